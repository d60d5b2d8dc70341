// Re-exports for src/public/sim.ts: the Kafka model.
export { simKafka, SimKafka, kafkaCapabilities } from './kafka.js';
export { SimProducer } from './producer.js';
export { SimConsumer } from './consumer.js';
export { KafkaAdmin } from './admin.js';
export { murmur2, partitionForKey } from './murmur2.js';
export { kafkaBehaviour, simKafkaDriver } from './behaviour.js';
export type {
  KafkaBehaviourRule,
  KafkaDriver,
  DriverConsumer as KafkaDriverConsumer,
  DriverConsumerOptions as KafkaDriverConsumerOptions,
  DriverMessage as KafkaDriverMessage,
  ReceivedRecord as KafkaReceivedRecord,
  SimKafkaDriverOptions,
} from './behaviour.js';
export type {
  AssignorName as KafkaAssignorName,
  SimKafkaOptions,
  TopicOptions as KafkaTopicOptions,
  ProducerOptions as KafkaProducerOptions,
  ConsumerOptions as KafkaConsumerOptions,
} from './options.js';
export type {
  Acks as KafkaAcks,
  Batch as KafkaBatch,
  ConsumerRunConfig,
  ConsumerSubscribeTopic,
  EachBatchPayload,
  EachMessagePayload,
  ITopicConfig,
  KafkaHeaders,
  KafkaMessage,
  Message as KafkaSendMessage,
  PartitionLag as KafkaPartitionLag,
  ProducerBatch,
  ProducerRecord,
  RebalanceRecord as KafkaRebalance,
  RecordMetadata,
  StoredRecordView as KafkaStoredRecord,
  TopicPartitionOffset,
  TopicPartitions,
} from './types.js';
