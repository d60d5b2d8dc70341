// The public API of 'eventproof/kafka': Layer 4 against a real Kafka. Every export is listed by name.
export { kafka, kafkaProbe, KafkaProbe } from '../brokers/kafka/index.js';
export type { KafkaProbeOptions } from '../brokers/kafka/options.js';
// The real-broker driver of the simulator's behavioural suite.
export { kafkaDriver } from '../brokers/kafka/driver.js';
export type { KafkaDriverOptions } from '../brokers/kafka/driver.js';
export type {
  KafkaTopic,
  KafkaTopicOptions,
  KafkaSettleOptions,
  KafkaGroupLag,
  KafkaGroupDescription,
} from '../brokers/kafka/types.js';
export type {
  BrokerProbe,
  Destination,
  DestinationExpectation,
  ProbeCapabilities,
  RawMessage,
  ReceivedMessage,
  ReceiveFilter,
  ReceiveMatch,
  ReceiveNothingOptions,
  ReceiveOptions,
  SettleOptions,
} from '../brokers/probe.js';
export type { EndpointOptions, EndpointSource } from '../brokers/provision.js';
export { BrokerUnavailableError, BrokerOperationError } from '../brokers/errors.js';
export { faultProxy } from '../brokers/fault-proxy/index.js';
export type { FaultProxy, ToxicHandle } from '../brokers/fault-proxy/proxy.js';
export type { FaultProxyOptions } from '../brokers/fault-proxy/options.js';
export type { SocketAddress } from '../brokers/fault-proxy/address.js';
export type {
  Toxic,
  ToxicDirection,
  FaultProxyStats,
  LatencyToxic,
  BandwidthToxic,
  DownToxic,
  ResetPeerToxic,
  TimeoutToxic,
  SlicerToxic,
  LimitDataToxic,
} from '../brokers/fault-proxy/types.js';
