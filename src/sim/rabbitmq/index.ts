// Re-exports of the RabbitMQ model for src/public/sim.ts.
export { simRabbitMq, SimRabbitMq, SimRabbitMqConnection, rabbitMqCapabilities } from './rabbitmq.js';
export { SimChannel, SimConfirmChannel } from './channel.js';
export type { SimRabbitMqOptions, QuorumDeliveryCount } from './options.js';
export type { XDeathEntry } from './dead-letter.js';
export type {
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
} from './types.js';
export { rabbitMqBehaviour, simRabbitMqDriver } from './behaviour.js';
export type { RabbitMqDriver, RabbitMqRule, AmqpChannelLike, AmqpMessageLike } from './behaviour.js';
