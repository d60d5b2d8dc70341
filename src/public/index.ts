// The public API of 'eventproof'. Every export is listed by name; nothing else is public.
export {
  EventproofError,
  DecodeError,
  ValidationError,
  TimeoutError,
  AssertionFailedError,
  InvalidArgumentError,
  MissingPeerDependencyError,
} from '../errors.js';
export type { EventproofErrorCode, DecodeReason, SchemaIssue } from '../errors.js';

export { defineEvent } from '../contracts/define-event.js';
export { eventRegistry } from '../contracts/registry.js';
export type { EventRegistry, IdentifiedEvent } from '../contracts/registry.js';
export { jsonCodec } from '../contracts/codecs/json.js';
export type { JsonCodecOptions } from '../contracts/codecs/json.js';
export type {
  Codec,
  DecodedWire,
  DefineEventOptions,
  EncodeContext,
  EventType,
  Headers,
  JsonSchemaDocument,
  PayloadOf,
  SchemaLike,
  Upcaster,
  ValidationResult,
  WireMessage,
} from '../contracts/types.js';

// --- contracts (Layer 1): codecs, round-trip and compatibility checks ---
export { cloudEventsCodec, CLOUDEVENTS_JSON } from '../contracts/codecs/cloud-events.js';
export type { CloudEventsCodecOptions } from '../contracts/codecs/cloud-events.js';
export { checkRoundTrip, RoundTripError } from '../contracts/round-trip.js';
export type { RoundTripOptions, RoundTripSummary, RoundTripTolerance } from '../contracts/round-trip.js';
export { checkCompatibility } from '../contracts/compatibility.js';
export type {
  CompatibilityBreak,
  CompatibilityMode,
  CompatibilityResult,
  CompatibilityRule,
} from '../contracts/compatibility.js';

// --- harness (Layers 2 and 3): publisher double, recorders, waitFor, assertions, failing, consumer harness ---
export { InjectedFailureError, HandlerTimeoutError } from '../errors.js';
export { recordingPublisher } from '../harness/recording-publisher.js';
export type {
  RecordingPublisher,
  RecordingPublisherOptions,
  RecordingView,
  PublishOptions,
} from '../harness/recording-publisher.js';
export type {
  KafkaProducerRecorder,
  KafkaMessageLike,
  KafkaProducerRecordLike,
  KafkaRecordMetadata,
} from '../harness/recorders/kafka.js';
export type { AmqpChannelRecorder, AmqpPublishOptionsLike } from '../harness/recorders/amqp.js';
export type {
  SqsClientRecorder,
  SqsCommandLike,
  SqsMessageAttributeLike,
  SqsSendMessageOutput,
  SqsSendMessageBatchOutput,
} from '../harness/recorders/sqs.js';
export type {
  PublishedRecord,
  PublishedEvent,
  PoisonPublished,
  RecordedVia,
  DeepPartial,
  Where,
} from '../harness/types.js';
export { waitFor } from '../harness/wait-for.js';
export type { WaitForOptions } from '../harness/wait-for.js';
export type { NearMiss } from '../harness/near-misses.js';
export type { FieldDifference } from '../harness/compare.js';
export {
  assertPublished,
  assertPublishedTimes,
  assertPublishedInOrder,
  assertPublishedNothing,
} from '../harness/matchers/assertions.js';
export type { OrderStep } from '../harness/matchers/to-have-published-in-order.js';
export type { MatcherResult } from '../harness/matchers/outcome.js';
export { failing, callsOf } from '../harness/failing.js';
export type { FailurePlan, MethodPlan, FailingCall, InjectedError, MethodsOf } from '../harness/failing.js';
export { consumerHarness } from '../harness/consumer-harness.js';
export type {
  ConsumerHarness,
  ConsumerHarnessOptions,
  ConsumerHandler,
  DeliveryContext,
  Backoff,
  DeliveryReason,
  QueueEntry,
  RetryEntry,
  DeadLetterEntry,
  AckedEntry,
  DeliveryRecord,
  DeadLetterCallback,
  Receivable,
} from '../harness/consumer-harness.js';
export type { DeliveryQueue } from '../harness/delivery-queue.js';

// --- scenarios: the strategy's critical scenarios as one-line checks on the simulator ---
export { expectIdempotent } from '../scenarios/expect-idempotent.js';
export { expectConvergent } from '../scenarios/expect-convergent.js';
export { expectNoLoss } from '../scenarios/expect-no-loss.js';
export { expectOrdered } from '../scenarios/expect-ordered.js';
export { expectPoisonDeadLettered } from '../scenarios/expect-poison-dead-lettered.js';
export { expectReplayEquivalent } from '../scenarios/expect-replay-equivalent.js';
export type { ScenarioCheckOptions, HandlerLike } from '../scenarios/handler-scenario.js';
export type { BrokerName } from '../scenarios/transport.js';
