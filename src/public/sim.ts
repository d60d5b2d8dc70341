// The public API of 'eventproof/sim': the deterministic simulator. Every export is listed by name.
export { createSimulation, Simulation, RunawayError, DEFAULT_MAX_STEPS } from '../sim/world.js';
export type { SimulationOptions, RunResult, InFlight } from '../sim/world.js';
export { DecisionLog, DivergenceError, encodeDecisions, decodeDecisions } from '../sim/decisions.js';
export type { Decision, Chooser } from '../sim/decisions.js';
export { Trace, renderTraceEvent } from '../sim/trace.js';
export type { TraceEvent, TraceKind } from '../sim/trace.js';
export type { FaultKind, FaultSpec } from '../sim/faults.js';
export { Ledger } from '../sim/ledger.js';
export type { LedgerEntry, MessageFate } from '../sim/ledger.js';
export { SeededRandom } from '../sim/random.js';
export type { BrokerCapabilities } from '../sim/capabilities.js';

// --- kafka model ---
export {
  simKafka,
  SimKafka,
  kafkaCapabilities,
  SimProducer,
  SimConsumer,
  KafkaAdmin,
  murmur2,
  partitionForKey,
  kafkaBehaviour,
  simKafkaDriver,
} from '../sim/kafka/index.js';
export type {
  KafkaBehaviourRule,
  KafkaDriver,
  KafkaDriverConsumer,
  KafkaDriverConsumerOptions,
  KafkaDriverMessage,
  KafkaReceivedRecord,
  SimKafkaDriverOptions,
  KafkaAssignorName,
  SimKafkaOptions,
  KafkaTopicOptions,
  KafkaProducerOptions,
  KafkaConsumerOptions,
  KafkaAcks,
  KafkaBatch,
  ConsumerRunConfig,
  ConsumerSubscribeTopic,
  EachBatchPayload,
  EachMessagePayload,
  ITopicConfig,
  KafkaHeaders,
  KafkaMessage,
  KafkaSendMessage,
  KafkaPartitionLag,
  ProducerBatch,
  ProducerRecord,
  KafkaRebalance,
  RecordMetadata,
  KafkaStoredRecord,
  TopicPartitionOffset,
  TopicPartitions,
} from '../sim/kafka/index.js';

// --- rabbitmq model ---
export {
  simRabbitMq,
  SimRabbitMq,
  SimRabbitMqConnection,
  rabbitMqCapabilities,
  SimChannel,
  SimConfirmChannel,
} from '../sim/rabbitmq/index.js';
export { rabbitMqBehaviour, simRabbitMqDriver } from '../sim/rabbitmq/index.js';
export type {
  SimRabbitMqOptions,
  QuorumDeliveryCount,
  XDeathEntry,
  ExchangeType,
  RabbitQueueType,
  RabbitOverflowPolicy,
  RabbitDeadLetterReason,
  AmqpProperties,
  AmqpFields,
  SimAmqpMessage,
  SimGetMessage,
  AmqpGetFields,
  AmqpSettleable,
  ReturnedMessage,
  AmqpPublishOptions,
  AssertQueueOptions,
  AssertExchangeOptions,
  AmqpConsumeOptions,
  AssertQueueReply,
  RabbitQueueStats,
  ConfirmCallback,
  RabbitHandlerFailure,
  RabbitMqDriver,
  RabbitMqRule,
  AmqpChannelLike,
  AmqpMessageLike,
} from '../sim/rabbitmq/index.js';

// --- sqs model ---
export {
  simSqs,
  SimSqs,
  sqsCapabilities,
  sqsStandardCapabilities,
  sqsFifoCapabilities,
  SqsConsumer,
  simSns,
  SimSns,
  SqsSimError,
  sqsBehaviour,
  sqsSimDriver,
} from '../sim/sqs/index.js';
export type {
  StoredMessageView as SqsStoredMessageView,
  ConsumeOptions as SqsConsumeOptions,
  MessageHandler as SqsMessageHandler,
  BatchMessageHandler as SqsBatchMessageHandler,
  CreateTopicInput as SnsCreateTopicInput,
  SubscribeInput as SnsSubscribeInput,
  PublishInput as SnsPublishInput,
  PublishOutput as SnsPublishOutput,
  AwsErrorCode as SqsAwsErrorCode,
  SimSqsOptions,
  StandardQueueBehaviour as SqsStandardQueueBehaviour,
  SqsBehaviourRule,
  SqsDriver,
  SqsSimDriver,
  ReceivedSqsMessage,
  BatchOutcome as SqsBatchOutcome,
  Message as SqsMessage,
  MessageAttributeValue as SqsMessageAttributeValue,
  SendMessageInput as SqsSendMessageInput,
  SendMessageOutput as SqsSendMessageOutput,
  SendMessageBatchInput as SqsSendMessageBatchInput,
  SendMessageBatchOutput as SqsSendMessageBatchOutput,
  ReceiveMessageInput as SqsReceiveMessageInput,
  ReceiveMessageOutput as SqsReceiveMessageOutput,
} from '../sim/sqs/index.js';
