// The public API of 'eventproof/sqs': Layer 4 against SQS (ElasticMQ, LocalStack, AWS). Every export is listed by name.
export { sqs, sqsProbe, SqsProbe } from '../brokers/sqs/index.js';
export type { SqsProbeOptions } from '../brokers/sqs/options.js';
// The behavioural suite's real-broker driver: `sqsBehaviour` (eventproof/sim) run against SQS.
export { sqsDriver } from '../brokers/sqs/index.js';
export type { SqsBrokerDriver } from '../brokers/sqs/index.js';
export type { SqsQueue, SqsQueueCounts, SqsQueueOptions, SqsRawMessage } from '../brokers/sqs/types.js';
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
