#!/usr/bin/env bash
# scripts/brokers.sh — start and check local message brokers without Docker.
#
#   scripts/brokers.sh [start] [BROKER...]   start (or confirm) brokers; default: all
#   scripts/brokers.sh status  [BROKER...]   one line per broker: up/down, pid if ours
#   scripts/brokers.sh stop    [BROKER...]   stop the brokers this script started
#   scripts/brokers.sh reset   [BROKER...]   stop ours and delete their data and logs
#
# Brokers: kafka, sqs (ElasticMQ), rabbitmq, nats, redis, mosquitto, postgres.
# Kafka (KRaft, one node) and ElasticMQ run from Maven Central jars that Maven
# gathers into a cache outside the repository; the others are the machine's
# own services, started with their usual commands when they are down.
# See docs/local-brokers.md.
set -uo pipefail

# ---- versions ---------------------------------------------------------------
KAFKA_VERSION=3.9.2
KAFKA_SCALA_VERSION=2.13
SLF4J_RELOAD4J_VERSION=1.7.36   # Kafka 3.9 ships no logging backend
RELOAD4J_VERSION=1.2.25
ELASTICMQ_VERSION=1.7.1
ELASTICMQ_SCALA_VERSION=2.13
MVN_DEPENDENCY_PLUGIN_VERSION=3.8.1

# ---- settings (env overrides) -----------------------------------------------
CACHE_ROOT="${EVENTPROOF_CACHE:-${HOME:?HOME is not set}/.cache/eventproof}"
BROKERS_HOME="$CACHE_ROOT/brokers"
LIB_HOME="$BROKERS_HOME/lib"
RUN_HOME="$BROKERS_HOME/run"
HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
# A second listener for fault injection: it binds KAFKA_FAULTS_PORT and tells clients to connect to
# KAFKA_FAULTS_PROXY_PORT, where a fault proxy (eventproof/kafka's driver) forwards to it. Clients of
# that listener reach the broker only through the proxy, however many connections they open.
KAFKA_FAULTS_PORT="${KAFKA_FAULTS_PORT:-9094}"
KAFKA_FAULTS_PROXY_PORT="${KAFKA_FAULTS_PROXY_PORT:-9095}"
SQS_PORT="${SQS_PORT:-9324}"
SQS_REGION="${SQS_REGION:-us-east-1}"
TIMEOUT="${BROKERS_TIMEOUT:-90}"             # seconds a broker may take to become ready
read -r -a MVN_EXTRA <<<"${EVENTPROOF_MVN_ARGS:-}"  # e.g. "-o" or "-Dmaven.repo.local=/x"
JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}java"

ALL_BROKERS=(kafka sqs rabbitmq nats redis mosquitto postgres)
OURS=(kafka sqs)    # started and stopped by this script

# ---- helpers ------------------------------------------------------------------
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

canon() {
  case "$1" in
    kafka) echo kafka ;;
    sqs | elasticmq) echo sqs ;;
    rabbitmq | rabbit | amqp) echo rabbitmq ;;
    nats) echo nats ;;
    redis) echo redis ;;
    mosquitto | mqtt) echo mosquitto ;;
    postgres | postgresql | pg) echo postgres ;;
    *) return 1 ;;
  esac
}

port_of() {
  case "$1" in
    kafka) echo "$KAFKA_PORT" ;; sqs) echo "$SQS_PORT" ;; rabbitmq) echo 5672 ;;
    nats) echo 4222 ;; redis) echo 6379 ;; mosquitto) echo 1883 ;; postgres) echo 5432 ;;
  esac
}

is_ours() { [[ $1 == kafka || $1 == sqs ]]; }
run_dir() { case "$1" in kafka) echo "$RUN_HOME/kafka" ;; sqs) echo "$RUN_HOME/elasticmq" ;; esac; }
log_file() { case "$1" in kafka) echo "$RUN_HOME/kafka/kafka.log" ;; sqs) echo "$RUN_HOME/elasticmq/elasticmq.log" ;; esac; }
pid_file() { case "$1" in kafka) echo "$RUN_HOME/kafka/kafka.pid" ;; sqs) echo "$RUN_HOME/elasticmq/elasticmq.pid" ;; esac; }
# Port our running instance was started with (it may differ from today's settings).
our_port() {
  local f; f=$(pid_file "$1")
  if [[ -r ${f%.pid}.port ]]; then cat "${f%.pid}.port"; else port_of "$1"; fi
}
lib_dir() {
  case "$1" in
    kafka) echo "$LIB_HOME/kafka_$KAFKA_SCALA_VERSION-$KAFKA_VERSION" ;;
    sqs) echo "$LIB_HOME/elasticmq-server_$ELASTICMQ_SCALA_VERSION-$ELASTICMQ_VERSION" ;;
  esac
}

# One result line per broker: name, address, state [, port if not the configured one].
say() { printf '%-10s %-16s %s\n' "$1" "$HOST:${3:-$(port_of "$1")}" "$2"; }
# Progress notes go to stderr so stdout stays one line per broker.
note() { printf '%-10s %-16s %s\n' "$1" "$HOST:$(port_of "$1")" "$2" >&2; }

now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "${t}"; }
since() { # start_us -> "7.2s"
  local d=$((($(now_us) - $1) / 100000))
  printf '%d.%ds' $((d / 10)) $((d % 10))
}

log_tail() { # file [lines]
  local f=$1 n=${2:-25}
  if [[ -s $f ]]; then
    printf '  --- last %s lines of %s (stack frames left out) ---\n' "$n" "$f" >&2
    grep -vE $'^\t(at |\\.\\.\\. [0-9]+ more)' "$f" | tail -n "$n" | sed 's/^/  | /' >&2
  else
    printf '  (log %s is empty or missing)\n' "$f" >&2
  fi
}

port_open() { # host port — bash /dev/tcp, no nc needed
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# Kafka protocol check: ApiVersions v0 request (correlation id 42), expect the
# response to echo the correlation id with error code 0.
kafka_api_ok() {
  local out bytes
  out=$(timeout 3 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\x00\x00\x00\x12\x00\x12\x00\x00\x00\x00\x00\x2a\x00\x08brokersh" >&3
    head -c 10 <&3 | od -An -v -tx1' "$HOST" "$KAFKA_PORT" 2>/dev/null) || return 1
  read -r -d '' -a bytes <<<"$out"
  out="${bytes[*]}"
  [[ $out =~ ^([0-9a-f]{2}\ ){4}00\ 00\ 00\ 2a\ 00\ 00$ ]]
}

# SQS check: ListQueues over the AWS JSON 1.0 protocol (what @aws-sdk/client-sqs v3 speaks).
sqs_api_ok() {
  curl -fsS -m 3 -o /dev/null -X POST \
    -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'X-Amz-Target: AmazonSQS.ListQueues' \
    --data '{}' "http://$HOST:$SQS_PORT/" 2>/dev/null
}

api_ok() { case "$1" in kafka) kafka_api_ok ;; sqs) sqs_api_ok ;; esac; }

ready_line_logged() {
  local f; f=$(log_file "$1")
  case "$1" in
    kafka) grep -q 'Kafka Server started' "$f" 2>/dev/null ;;
    sqs) grep -qE 'ElasticMQ server .*started' "$f" 2>/dev/null ;;
  esac
}

# Pid of our own running broker process, or fail. The pid must be alive and
# carry our marker (-Deventproof.broker=NAME), so a recycled pid is never ours.
our_pid() {
  local f pid
  f=$(pid_file "$1")
  [[ -r $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  ps -p "$pid" -o args= 2>/dev/null | grep -q -- "-Deventproof.broker=$1 " || return 1
  echo "$pid"
}

# ---- jars via Maven ---------------------------------------------------------------
dep() { printf '    <dependency><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version></dependency>\n' "$1" "$2" "$3"; }

write_pom() { # file artifactId dependencies-xml
  cat >"$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- generated by eventproof scripts/brokers.sh: gathers runtime jars only -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.eventproof.brokers</groupId>
  <artifactId>$2</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
$3
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>$MVN_DEPENDENCY_PLUGIN_VERSION</version>
        <configuration><outputDirectory>\${project.basedir}/jars</outputDirectory></configuration>
      </plugin>
    </plugins>
  </build>
</project>
EOF
}

# Gather the runtime jars of the named brokers into lib_dir/jars with one Maven
# run (one module per broker, so their classpaths stay apart); atomic rename.
fetch_jars() {
  local tmp name deps modules=""
  if ! command -v mvn >/dev/null; then
    echo "  mvn not found: Maven is needed once to fetch jars into $LIB_HOME" >&2
    return 1
  fi
  mkdir -p "$LIB_HOME" && tmp=$(mktemp -d "$LIB_HOME/.fetch.XXXXXX") || return 1
  for name in "$@"; do
    case "$name" in
      kafka)
        deps="$(dep org.apache.kafka "kafka_$KAFKA_SCALA_VERSION" "$KAFKA_VERSION")
$(dep org.slf4j slf4j-reload4j "$SLF4J_RELOAD4J_VERSION")
$(dep ch.qos.reload4j reload4j "$RELOAD4J_VERSION")" ;;
      sqs)
        deps=$(dep org.elasticmq "elasticmq-server_$ELASTICMQ_SCALA_VERSION" "$ELASTICMQ_VERSION") ;;
    esac
    mkdir -p "$tmp/$name" && write_pom "$tmp/$name/pom.xml" "$name-runtime" "$deps"
    modules+="<module>$name</module>"
  done
  write_pom "$tmp/pom.xml" fetch ""
  sed -i "s|<packaging>pom</packaging>|&<modules>$modules</modules>|" "$tmp/pom.xml"
  if ! mvn -B -f "$tmp/pom.xml" "${MVN_EXTRA[@]}" dependency:copy-dependencies \
      -DincludeScope=runtime >"$tmp/mvn.log" 2>&1; then
    echo "  Maven failed to fetch jars for: $*" >&2
    grep -E '^\[ERROR\]' "$tmp/mvn.log" | head -n 15 | sed 's/^/  | /' >&2
    echo "  full log: $tmp/mvn.log" >&2
    return 1
  fi
  for name in "$@"; do
    cp "$tmp/mvn.log" "$tmp/$name/mvn.log" && touch "$tmp/$name/.complete" &&
      rm -rf "$(lib_dir "$name")" && mv "$tmp/$name" "$(lib_dir "$name")" || return 1
  done
  rm -rf "$tmp"
}

# ---- Kafka --------------------------------------------------------------------
new_cluster_id() { # 16 random bytes, base64url without padding, like Uuid.randomUuid()
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ $id != -* ]] && { echo "$id"; return; }
  done
}

kafka_launch() {
  local run lib id
  run=$(run_dir kafka) lib=$(lib_dir kafka)
  if port_open "$HOST" "$KAFKA_CONTROLLER_PORT"; then
    LAUNCH_ERR="controller port $KAFKA_CONTROLLER_PORT is taken (set KAFKA_CONTROLLER_PORT)"
    return 1
  fi
  mkdir -p "$run/data" || return 1
  cat >"$run/server.properties" <<EOF
# generated by scripts/brokers.sh — single-node KRaft, broker + controller
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT,FAULTS://$HOST:$KAFKA_FAULTS_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT,FAULTS://$HOST:$KAFKA_FAULTS_PROXY_PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,FAULTS:PLAINTEXT
log.dirs=$run/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
# Retention is checked every 500 ms instead of every 5 minutes, so a test can watch old segments go.
log.retention.check.interval.ms=500
EOF
  cat >"$run/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
  if [[ ! -f $run/data/meta.properties ]]; then
    [[ -s $run/cluster.id ]] || new_cluster_id >"$run/cluster.id"
    id=$(<"$run/cluster.id")
    if ! "$JAVA_BIN" -Xmx256m -Dlog4j.configuration="file:$run/log4j.properties" \
        -cp "$lib/jars/*" kafka.tools.StorageTool format -t "$id" -c "$run/server.properties" -g \
        >"$run/format.log" 2>&1; then
      LAUNCH_ERR="formatting the KRaft log directory failed"
      log_tail "$run/format.log" 15
      return 1
    fi
  fi
  launch kafka -Xmx512m -Xms128m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$run/log4j.properties" -Dkafka.logs.dir="$run" \
    -cp "$lib/jars/*" kafka.Kafka "$run/server.properties"
}

# ---- ElasticMQ -------------------------------------------------------------------
sqs_launch() {
  local run lib
  run=$(run_dir sqs) lib=$(lib_dir sqs)
  mkdir -p "$run" || return 1
  cat >"$run/elasticmq.conf" <<EOF
# generated by scripts/brokers.sh
include classpath("application.conf")

node-address {
  protocol = http
  host = "$HOST"
  port = $SQS_PORT
  context-path = ""
}

rest-sqs {
  enabled = true
  bind-port = $SQS_PORT
  bind-hostname = "$HOST"
  sqs-limits = strict
}

rest-stats {
  enabled = false
}

aws {
  region = $SQS_REGION
  accountId = 000000000000
}
EOF
  launch sqs -Xmx256m -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dconfig.file="$run/elasticmq.conf" -cp "$lib/jars/*" org.elasticmq.server.Main
}

# Start JVM detached (own session), pid written by the process itself before exec.
launch() { # name jvm-args...
  local name=$1 log pidf i
  shift
  log=$(log_file "$name") pidf=$(pid_file "$name")
  rm -f "$pidf"
  port_of "$name" >"${pidf%.pid}.port"
  [[ -f $log ]] && mv -f "$log" "$log.1"
  local detach=()
  command -v setsid >/dev/null && detach=(setsid)
  "${detach[@]}" nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" \
    "$JAVA_BIN" "-Deventproof.broker=$name" "$@" >"$log" 2>&1 </dev/null 9>&- &
  for i in $(seq 1 50); do [[ -s $pidf ]] && return 0; sleep 0.1; done
  LAUNCH_ERR="could not launch $JAVA_BIN"
  return 1
}

# ---- start ------------------------------------------------------------------------
# Wait until one of our brokers is ready; prints its result line.
wait_ready() { # name launch_start_us fetched_note
  local name=$1 t0=$2 extra=${3:-} deadline pid
  deadline=$(($(now_us) + TIMEOUT * 1000000))
  while :; do
    if ! pid=$(our_pid "$name"); then
      say "$name" "FAILED: process exited during startup"
      log_tail "$(log_file "$name")"
      return 1
    fi
    if ready_line_logged "$name" && port_open "$HOST" "$(port_of "$name")" && api_ok "$name"; then
      say "$name" "ready (${extra}started in $(since "$t0"), pid $pid)"
      return 0
    fi
    if (($(now_us) > deadline)); then
      say "$name" "FAILED: not ready after ${TIMEOUT}s (pid $pid left running; 'stop $name' ends it)"
      log_tail "$(log_file "$name")"
      return 1
    fi
    sleep 0.2
  done
}

# Phase 1 for our JVM brokers: decide, fetch missing jars (one Maven run), launch.
# Sets LAUNCHED[name]=start_us and FETCHED[name]=note for the ones launched.
declare -A LAUNCHED=() FETCHED=()
start_ours() {
  local name pid need=() rc=0 t0
  for name in "$@"; do
    if pid=$(our_pid "$name"); then
      if [[ $(our_port "$name") != "$(port_of "$name")" ]]; then
        say "$name" "FAILED: ours is running on port $(our_port "$name") (pid $pid); 'stop $name' first to change ports"
        rc=1
      elif api_ok "$name"; then
        say "$name" "ready (already running, pid $pid)"
      else # still starting, e.g. after an interrupted run
        LAUNCHED[$name]=$(now_us)
      fi
    elif port_open "$HOST" "$(port_of "$name")"; then
      if api_ok "$name"; then
        say "$name" "ready (already running, not started by this script)"
      else
        say "$name" "FAILED: port $(port_of "$name") is taken by something that does not answer as $name"
        rc=1
      fi
    else
      need+=("$name")
    fi
  done
  ((${#need[@]})) || return $rc
  if ! command -v "$JAVA_BIN" >/dev/null; then
    for name in "${need[@]}"; do say "$name" "FAILED: java not found (set JAVA_HOME)"; done
    return 1
  fi
  # fetch missing jars (first run only), one Maven run for all
  local fetch=() ok=() t_fetch
  for name in "${need[@]}"; do [[ -f $(lib_dir "$name")/.complete ]] || fetch+=("$name"); done
  if ((${#fetch[@]})); then
    for name in "${fetch[@]}"; do note "$name" "fetching jars with Maven into $(lib_dir "$name") (first run only)..."; done
    t_fetch=$(now_us)
    if fetch_jars "${fetch[@]}"; then
      for name in "${fetch[@]}"; do FETCHED[$name]="jars fetched in $(since "$t_fetch"), "; done
    else
      for name in "${fetch[@]}"; do say "$name" "FAILED: could not fetch jars"; done
      rc=1
    fi
  fi
  for name in "${need[@]}"; do [[ -f $(lib_dir "$name")/.complete ]] && ok+=("$name"); done
  for name in "${ok[@]}"; do
    t0=$(now_us)
    LAUNCH_ERR="could not launch"
    if "${name}_launch"; then
      LAUNCHED[$name]=$t0
    else
      say "$name" "FAILED: $LAUNCH_ERR"
      rc=1
    fi
  done
  return $rc
}

# System services: start with the machine's usual command if the port is down.
svc_start_cmd() {
  case "$1" in
    rabbitmq) rabbitmq-server -detached >/dev/null 2>&1 &&
      timeout "$TIMEOUT" rabbitmqctl await_startup >/dev/null 2>&1 ;;
    nats)
      local bin; bin=$(command -v nats-server) || return 1
      if command -v start-stop-daemon >/dev/null; then
        mkdir -p /var/lib/nats-server 2>/dev/null
        start-stop-daemon --start --oknodo --background --exec "$bin" -- \
          -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
      else
        mkdir -p "$RUN_HOME/nats"
        (setsid nohup "$bin" -a 127.0.0.1 -p 4222 -js -sd "$RUN_HOME/nats" \
          -l "$RUN_HOME/nats/nats.log" >/dev/null 2>&1 </dev/null &)
      fi ;;
    redis)
      if [[ -d /var/lib/redis && -d /var/log/redis ]]; then
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
          --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null
      else
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
      fi ;;
    mosquitto) mosquitto -d -c /etc/mosquitto/mosquitto.conf ;;
    postgres)
      local v; v=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
      [[ -n $v ]] && pg_ctlcluster --skip-systemctl-redirect "$v" main start ;;
  esac
}
svc_bin() {
  case "$1" in
    rabbitmq) echo rabbitmq-server ;; nats) echo nats-server ;; redis) echo redis-server ;;
    mosquitto) echo mosquitto ;; postgres) echo pg_ctlcluster ;;
  esac
}

# rabbitmq_management (port 15672) is needed for queue-depth stats.
rabbit_management() {
  port_open "$HOST" 15672 && { echo "management :15672"; return 0; }
  local t0 enabled
  t0=$(now_us)
  enabled=$(timeout 30 rabbitmq-plugins list -e -m 2>/dev/null 9>&-)
  if ! grep -qx rabbitmq_management <<<"$enabled"; then
    if ! timeout 60 rabbitmq-plugins enable rabbitmq_management >/dev/null 2>&1 9>&-; then
      echo "management plugin could not be enabled"
      return 1
    fi
  fi
  local deadline=$(($(now_us) + 30000000))
  until port_open "$HOST" 15672; do
    (($(now_us) > deadline)) && { echo "management plugin enabled but :15672 not listening"; return 1; }
    sleep 0.3
  done
  echo "management :15672 enabled in $(since "$t0")"
}

start_svc() {
  local name=$1 port t0 mgmt="" deadline
  port=$(port_of "$name")
  if port_open "$HOST" "$port"; then
    if [[ $name == rabbitmq ]] && ! mgmt=$(rabbit_management); then
      say "$name" "FAILED: AMQP is up, but $mgmt"
      return 1
    fi
    say "$name" "ready (system service${mgmt:+, $mgmt})"
    return 0
  fi
  if ! command -v "$(svc_bin "$name")" >/dev/null; then
    say "$name" "FAILED: down, and $(svc_bin "$name") is not installed"
    return 1
  fi
  t0=$(now_us)
  svc_start_cmd "$name" 9>&- # the daemon must not inherit our lock
  deadline=$(($(now_us) + TIMEOUT * 1000000))
  until port_open "$HOST" "$port"; do
    if (($(now_us) > deadline)); then
      say "$name" "FAILED: started $(svc_bin "$name") but port $port is not open after ${TIMEOUT}s"
      return 1
    fi
    sleep 0.2
  done
  if [[ $name == rabbitmq ]] && ! mgmt=$(rabbit_management); then
    say "$name" "FAILED: AMQP is up, but $mgmt"
    return 1
  fi
  say "$name" "ready (started in $(since "$t0")${mgmt:+, $mgmt})"
}

cmd_start() {
  local rc=0 name ours=() svcs=()
  for name in "$@"; do if is_ours "$name"; then ours+=("$name"); else svcs+=("$name"); fi; done
  ((${#ours[@]})) && { start_ours "${ours[@]}" || rc=1; }
  # system services are checked while the JVMs boot
  for name in "${svcs[@]}"; do start_svc "$name" || rc=1; done
  for name in "${ours[@]}"; do
    [[ -n ${LAUNCHED[$name]:-} ]] || continue
    wait_ready "$name" "${LAUNCHED[$name]}" "${FETCHED[$name]:-}" || rc=1
  done
  return $rc
}

# ---- status / stop / reset ------------------------------------------------------------
st() { say "$1" "$(printf '%-8s %s' "$2" "${3:-}")"; }
cmd_status() {
  local rc=0 name pid
  for name in "$@"; do
    if is_ours "$name"; then
      if pid=$(our_pid "$name"); then
        if [[ $(our_port "$name") != "$(port_of "$name")" ]]; then
          say "$name" "$(printf '%-8s %s' up "pid $pid (ours, started with port $(our_port "$name"), not $(port_of "$name"))")" "$(our_port "$name")"; rc=1
        elif api_ok "$name"; then st "$name" up "pid $pid (ours)"
        else st "$name" starting "pid $pid (ours, not answering yet)"; rc=1; fi
      elif port_open "$HOST" "$(port_of "$name")"; then
        if api_ok "$name"; then st "$name" up "(not started by this script)"
        else st "$name" down "(port taken by something else)"; rc=1; fi
      else
        st "$name" down; rc=1
      fi
    elif port_open "$HOST" "$(port_of "$name")"; then
      if [[ $name == rabbitmq ]]; then
        if port_open "$HOST" 15672; then st "$name" up "(system service, management :15672 up)"
        else st "$name" up "(system service, management :15672 down)"; fi
      else
        st "$name" up "(system service)"
      fi
    else
      st "$name" down "(system service)"; rc=1
    fi
  done
  return $rc
}

# Stop our brokers: TERM all of them first, then wait for each (up to 30 s, then KILL).
cmd_stop() {
  local name pid i t0 pids=() names=() ports=()
  t0=$(now_us)
  for name in "$@"; do
    if ! is_ours "$name"; then
      say "$name" "system service: not stopped by this script"
    elif pid=$(our_pid "$name"); then
      kill -TERM "$pid" 2>/dev/null
      pids+=("$pid") names+=("$name") ports+=("$(our_port "$name")")
    else
      rm -f "$(pid_file "$name")"
      if port_open "$HOST" "$(port_of "$name")"; then
        say "$name" "not ours (port in use by a process this script did not start); left running"
      else
        say "$name" "not running"
      fi
    fi
  done
  for i in "${!pids[@]}"; do
    pid=${pids[$i]} name=${names[$i]}
    until ! kill -0 "$pid" 2>/dev/null || (($(now_us) - t0 > 30000000)); do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null
      sleep 0.2
      say "$name" "stopped (pid $pid killed after $(since "$t0"))" "${ports[$i]}"
    else
      say "$name" "stopped (pid $pid, $(since "$t0"))" "${ports[$i]}"
    fi
    rm -f "$(pid_file "$name")"
  done
}

cmd_reset() {
  local name
  for name in "$@"; do
    if is_ours "$name"; then
      cmd_stop "$name" >/dev/null
      rm -rf "$(run_dir "$name")"
      say "$name" "reset (data and logs removed)"
    fi
  done
}

# ---- main ----------------------------------------------------------------------------
main() {
  local cmd=start
  case "${1:-}" in
    start | status | stop | reset) cmd=$1; shift ;;
    -h | --help | help) usage; return 0 ;;
  esac
  local names=() n c
  for n in "$@"; do
    if ! c=$(canon "$n"); then
      echo "unknown broker: $n (known: ${ALL_BROKERS[*]})" >&2
      return 2
    fi
    [[ " ${names[*]:-} " == *" $c "* ]] || names+=("$c")
  done
  if ((${#names[@]} == 0)); then
    case "$cmd" in stop | reset) names=("${OURS[@]}") ;; *) names=("${ALL_BROKERS[@]}") ;; esac
  fi
  if [[ $cmd != status ]]; then # one start/stop at a time per cache
    mkdir -p "$BROKERS_HOME" || return 1
    if command -v flock >/dev/null; then
      exec 9>"$BROKERS_HOME/.lock"
      flock -w 900 9 || { echo "another brokers.sh is still running" >&2; return 1; }
    fi
  fi
  "cmd_$cmd" "${names[@]}"
}

main "$@"
