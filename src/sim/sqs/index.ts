// The SQS (+ SNS fan-out) model's public surface, re-exported by src/public/sim.ts.
export { simSqs, SimSqs, sqsCapabilities, sqsStandardCapabilities, sqsFifoCapabilities } from './sqs.js';
export type { StoredMessageView } from './sqs.js';
export { SqsConsumer } from './consumer.js';
export type { ConsumeOptions, MessageHandler, BatchMessageHandler } from './consumer.js';
export { simSns, SimSns } from './sns.js';
export type { CreateTopicInput, SubscribeInput, PublishInput, PublishOutput } from './sns.js';
export { SqsSimError } from './errors.js';
export type { AwsErrorCode } from './errors.js';
export type { SimSqsOptions, StandardQueueBehaviour } from './options.js';
export { sqsBehaviour, sqsSimDriver } from './behaviour.js';
export type {
  SqsBehaviourRule,
  SqsDriver,
  SqsSimDriver,
  ReceivedSqsMessage,
  BatchOutcome,
} from './behaviour.js';
export type {
  MessageAttributeValue,
  QueueAttributes,
  QueueAttributeName,
  CreateQueueInput,
  CreateQueueOutput,
  SendMessageInput,
  SendMessageOutput,
  SendMessageBatchInput,
  SendMessageBatchOutput,
  SendMessageBatchRequestEntry,
  SendMessageBatchResultEntry,
  BatchResultErrorEntry,
  ReceiveMessageInput,
  ReceiveMessageOutput,
  Message,
  DeleteMessageInput,
  DeleteMessageBatchInput,
  BatchOutput,
  ChangeMessageVisibilityInput,
  ChangeMessageVisibilityBatchInput,
  GetQueueAttributesInput,
  GetQueueAttributesOutput,
  ResponseMetadata,
  SqsCommandLike,
} from './types.js';
