// The public API of 'eventproof/rabbitmq': Layer 4 against a real RabbitMQ. Every export is listed by name.
export { rabbitmq, rabbitmqProbe, RabbitMqProbe } from '../brokers/rabbitmq/index.js';
export type { RabbitMqProbeOptions } from '../brokers/rabbitmq/options.js';
// The behavioural suite's real-broker driver: run `rabbitMqBehaviour` (eventproof/sim) against your RabbitMQ.
export { rabbitMqDriver } from '../brokers/rabbitmq/index.js';
export type { RabbitMqDriverOptions } from '../brokers/rabbitmq/driver.js';
export type {
  RabbitMqDestination,
  RabbitMqExchange,
  RabbitMqExchangeType,
  RabbitMqQueue,
  RabbitMqQueueCounts,
  RabbitMqQueueOptions,
} from '../brokers/rabbitmq/types.js';
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
