import { isImmutableRecord } from '../immutable.js';
import { configError } from './errors.js';
import type { QueueAttributes } from './types.js';

/**
 * How loosely a standard queue keeps its promises. SQS standard queues deliver at least once and in
 * best-effort order; each of these is a recorded decision (`sqs:duplicate`, `sqs:reorder`,
 * `sqs:short-poll`), so a run that hits one can be replayed and shrunk. Duplicates and reorders are
 * decided 32 messages at a time (which of them is the first where it happens), with the same chance per
 * message. Set a rate to 0 to switch it off.
 *
 * @example
 * ```ts
 * const sqs = simSqs(sim, { standard: { duplicateRate: 0.05, reorderRate: 0.5, shortPollPartialRate: 0 } });
 * ```
 */
export interface StandardQueueBehaviour {
  /** Chance, per message received, that a copy stays behind and is received again. Default 0.01. */
  readonly duplicateRate?: number;
  /** Chance, per message taken while several are visible, that one of the ten oldest is taken instead of the oldest. Default 0.1. */
  readonly reorderRate?: number;
  /** Chance, per short poll (WaitTimeSeconds 0), of returning fewer messages than are available. Default 0.1. */
  readonly shortPollPartialRate?: number;
}

/**
 * Options of `simSqs(sim, options)`.
 *
 * @example
 * ```ts
 * const sqs = simSqs(sim, { region: 'eu-west-1', accountId: '123456789012', standard: { duplicateRate: 0 } });
 * ```
 */
export interface SimSqsOptions {
  /** Used in queue URLs and ARNs. Default 'us-east-1'. */
  readonly region?: string;
  /** 12 digits, used in queue URLs and ARNs. Default '000000000000'. */
  readonly accountId?: string;
  readonly standard?: StandardQueueBehaviour;
}

/** @internal */
export interface ResolvedSqsOptions {
  readonly region: string;
  readonly accountId: string;
  readonly duplicateRate: number;
  readonly reorderRate: number;
  readonly shortPollPartialRate: number;
}

const rate = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw configError(
      'InvalidParameterValue',
      'create the SQS model',
      `standard.${name} must be a probability between 0 and 1, got ${String(value)}`,
      `Use e.g. { standard: { ${name}: 0.05 } }, or 0 to switch it off`,
    );
  }
  return value;
};

/** @internal */
export function resolveSqsOptions(options: SimSqsOptions = {}): ResolvedSqsOptions {
  const region = options.region ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw configError(
      'InvalidParameterValue',
      'create the SQS model',
      `'${region}' is not an AWS region name`,
      "Use a region such as 'eu-west-1'",
    );
  }
  const accountId = options.accountId ?? '000000000000';
  if (!/^\d{12}$/.test(accountId)) {
    throw configError(
      'InvalidParameterValue',
      'create the SQS model',
      `the account id must be 12 digits, got '${accountId}'`,
      "Use e.g. '123456789012'",
    );
  }
  const standard = options.standard ?? {};
  return {
    region,
    accountId,
    duplicateRate: rate('duplicateRate', standard.duplicateRate, 0.01),
    reorderRate: rate('reorderRate', standard.reorderRate, 0.1),
    shortPollPartialRate: rate('shortPollPartialRate', standard.shortPollPartialRate, 0.1),
  };
}

/** A queue's configuration in the model's units (ms, bytes). @internal */
export interface QueueConfig {
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  readonly deduplicationScope: 'queue' | 'messageGroup';
  readonly delayMs: number;
  readonly maximumMessageSize: number;
  readonly retentionMs: number;
  readonly receiveWaitMs: number;
  readonly visibilityMs: number;
  readonly redrive: { readonly deadLetterTargetArn: string; readonly maxReceiveCount: number } | undefined;
  /** The settable attributes as strings, defaults filled in, for GetQueueAttributes. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** SQS limits (seconds and bytes as the API takes them). */
export const SQS_LIMITS = {
  maxDelaySeconds: 900,
  maxVisibilitySeconds: 43_200,
  maxWaitSeconds: 20,
  /** SQS raised the message size limit from 256 KiB to 1 MiB in 2025. */
  maxMessageSize: 1_048_576,
  minMessageSize: 1_024,
  minRetentionSeconds: 60,
  maxRetentionSeconds: 1_209_600,
  maxBatchEntries: 10,
  maxMessageAttributes: 10,
  maxReceiveCount: 1_000,
  deduplicationWindowMs: 5 * 60_000,
  purgeCooldownMs: 60_000,
} as const;

const DEFAULTS: Record<string, string> = {
  DelaySeconds: '0',
  MaximumMessageSize: String(SQS_LIMITS.maxMessageSize),
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

const INTEGER_RANGES: Record<string, readonly [number, number]> = {
  DelaySeconds: [0, SQS_LIMITS.maxDelaySeconds],
  MaximumMessageSize: [SQS_LIMITS.minMessageSize, SQS_LIMITS.maxMessageSize],
  MessageRetentionPeriod: [SQS_LIMITS.minRetentionSeconds, SQS_LIMITS.maxRetentionSeconds],
  ReceiveMessageWaitTimeSeconds: [0, SQS_LIMITS.maxWaitSeconds],
  VisibilityTimeout: [0, SQS_LIMITS.maxVisibilitySeconds],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};
/** The same, as a list in a fixed order: the first invalid one is the one reported. */
const INTEGER_RANGE_LIST = Object.entries(INTEGER_RANGES).map(
  ([name, [min, max]]) => [name, min, max] as const,
);

/** Accepted and kept, but without effect in the model (access policies, encryption, throughput modes). */
const STORED_ONLY = new Set([
  'Policy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'RedriveAllowPolicy',
  'FifoThroughputLimit',
]);
const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
const SETTABLE = new Set([
  ...Object.keys(INTEGER_RANGES),
  ...STORED_ONLY,
  ...FIFO_ONLY,
  'RedrivePolicy',
  'FifoQueue',
]);

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Checks a queue name the way CreateQueue does; returns whether it names a FIFO queue. @internal */
export function checkQueueName(name: unknown): boolean {
  if (typeof name === 'string' && validQueueNames.has(name)) return name.endsWith('.fifo');
  if (typeof name !== 'string' || name.length === 0) {
    throw configError(
      'MissingParameter',
      'create a queue',
      'the request must contain the parameter QueueName',
      "Pass { QueueName: 'orders' }",
    );
  }
  const fifo = name.endsWith('.fifo');
  const base = fifo ? name.slice(0, -5) : name;
  if (!QUEUE_NAME.test(base) || name.length > 80) {
    throw configError(
      'InvalidParameterValue',
      `create queue '${name}'`,
      'a queue name has 1 to 80 characters: letters, digits, hyphens and underscores, and a FIFO queue name ends in .fifo',
      'Rename the queue',
    );
  }
  if (validQueueNames.size >= 1024) validQueueNames.clear();
  validQueueNames.add(name);
  return fifo;
}

/** Queue names already found valid: a test creates the same few queues again and again. */
const validQueueNames = new Set<string>();

/**
 * Configurations already resolved from attributes that cannot change (see {@link isImmutableRecord}),
 * by whether the queue is FIFO (the only thing the name decides): a test that creates the same queues
 * in every run, as scenarios do, resolves them once. The configurations are frozen too.
 */
const resolved = new WeakMap<QueueAttributes, [QueueConfig | undefined, QueueConfig | undefined]>();

/**
 * Validates CreateQueue / SetQueueAttributes attributes as SQS does and resolves them into a config.
 * `previous` is the queue's current config for SetQueueAttributes (FifoQueue cannot change).
 * @internal
 */
export function resolveQueueConfig(
  queueName: string,
  attributes: QueueAttributes | undefined,
  previous?: QueueConfig,
): QueueConfig {
  if (previous !== undefined || attributes === undefined || !Object.isFrozen(attributes))
    return resolveAnew(queueName, attributes, previous);
  let known = resolved.get(attributes);
  const slot = queueName.endsWith('.fifo') ? 1 : 0;
  const cached = known?.[slot];
  if (cached !== undefined) return cached;
  // Errors are not remembered: they name the queue, and are thrown again on every call.
  const config = resolveAnew(queueName, attributes, undefined);
  if (!isImmutableRecord(attributes)) return config;
  if (known === undefined) resolved.set(attributes, (known = [undefined, undefined]));
  Object.freeze(config.attributes);
  known[slot] = Object.freeze(config);
  return config;
}

function resolveAnew(
  queueName: string,
  attributes: QueueAttributes | undefined,
  previous: QueueConfig | undefined,
): QueueConfig {
  const action = previous ? `set the attributes of queue '${queueName}'` : `create queue '${queueName}'`;
  const given: Record<string, string> = {};
  for (const name of attributes === undefined ? [] : Object.keys(attributes)) {
    const value = attributes![name as keyof QueueAttributes];
    if (value === undefined) continue;
    if (!SETTABLE.has(name)) {
      throw configError(
        'InvalidAttributeName',
        action,
        `unknown attribute ${name}`,
        `Use one of: ${[...SETTABLE].sort().join(', ')}`,
      );
    }
    given[name] = typeof value === 'string' ? value : String(value);
  }
  const nameIsFifo = queueName.endsWith('.fifo');
  if (previous) {
    if (given.FifoQueue !== undefined && (given.FifoQueue === 'true') !== previous.fifo) {
      throw configError(
        'InvalidAttributeName',
        action,
        'FifoQueue cannot be changed after the queue is created',
        'Create a new queue instead',
      );
    }
  } else if (given.FifoQueue !== undefined && given.FifoQueue !== 'true' && given.FifoQueue !== 'false') {
    throw configError(
      'InvalidAttributeValue',
      action,
      `FifoQueue must be 'true' or 'false', got '${given.FifoQueue}'`,
      "Pass { FifoQueue: 'true' }",
    );
  }
  const fifo = previous ? previous.fifo : given.FifoQueue === 'true';
  if (!previous && fifo !== nameIsFifo) {
    throw configError(
      'InvalidParameterValue',
      action,
      fifo
        ? "a FIFO queue's name must end in .fifo"
        : "a queue whose name ends in .fifo must be created with the attribute FifoQueue: 'true'",
      fifo
        ? `Name it '${queueName}.fifo'`
        : "Add Attributes: { FifoQueue: 'true' }, or drop the .fifo suffix for a standard queue",
    );
  }
  if (!fifo) {
    for (const name of Object.keys(given)) {
      if (FIFO_ONLY.has(name) || (name === 'FifoQueue' && given.FifoQueue === 'true')) {
        throw configError(
          'InvalidAttributeName',
          action,
          `${name} applies to FIFO queues only and '${queueName}' is a standard queue`,
          `Remove ${name}, or create a FIFO queue ('${queueName}.fifo' with FifoQueue: 'true')`,
        );
      }
    }
  }
  for (const [name, min, max] of INTEGER_RANGE_LIST) {
    const value = given[name];
    if (value === undefined) continue;
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!(n >= min && n <= max)) {
      throw configError(
        'InvalidAttributeValue',
        action,
        `invalid value for the parameter ${name}: '${value}' (allowed: ${min} to ${max})`,
        `Pass ${name} as a string of an integer between ${min} and ${max}`,
      );
    }
  }
  for (const name of ['ContentBasedDeduplication', 'SqsManagedSseEnabled']) {
    const value = given[name];
    if (value !== undefined && value !== 'true' && value !== 'false') {
      throw configError(
        'InvalidAttributeValue',
        action,
        `${name} must be 'true' or 'false', got '${value}'`,
        `Pass { ${name}: 'true' }`,
      );
    }
  }
  if (
    given.DeduplicationScope !== undefined &&
    given.DeduplicationScope !== 'queue' &&
    given.DeduplicationScope !== 'messageGroup'
  ) {
    throw configError(
      'InvalidAttributeValue',
      action,
      `DeduplicationScope must be 'queue' or 'messageGroup', got '${given.DeduplicationScope}'`,
      "Pass { DeduplicationScope: 'messageGroup' }",
    );
  }
  const merged: Record<string, string> = { ...DEFAULTS, ...(previous?.attributes ?? {}), ...given };
  if (fifo) {
    merged.FifoQueue = 'true';
    merged.ContentBasedDeduplication ??= 'false';
    merged.DeduplicationScope ??= 'queue';
    merged.FifoThroughputLimit ??= 'perQueue';
  }
  if (merged.RedrivePolicy === '') delete merged.RedrivePolicy;
  const redrive =
    merged.RedrivePolicy === undefined ? undefined : parseRedrivePolicy(action, merged.RedrivePolicy);
  const seconds = (name: string) => Number(merged[name]) * 1000;
  return {
    fifo,
    contentBasedDeduplication: merged.ContentBasedDeduplication === 'true',
    deduplicationScope: merged.DeduplicationScope === 'messageGroup' ? 'messageGroup' : 'queue',
    delayMs: seconds('DelaySeconds'),
    maximumMessageSize: Number(merged.MaximumMessageSize),
    retentionMs: seconds('MessageRetentionPeriod'),
    receiveWaitMs: seconds('ReceiveMessageWaitTimeSeconds'),
    visibilityMs: seconds('VisibilityTimeout'),
    redrive,
    attributes: merged,
  };
}

function parseRedrivePolicy(action: string, text: string): QueueConfig['redrive'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const policy = parsed as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | undefined;
  const hint = `Pass RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) with maxReceiveCount 1 to ${SQS_LIMITS.maxReceiveCount}`;
  if (!policy || typeof policy !== 'object' || typeof policy.deadLetterTargetArn !== 'string') {
    throw configError(
      'InvalidParameterValue',
      action,
      `RedrivePolicy must be JSON with deadLetterTargetArn and maxReceiveCount, got '${text}'`,
      hint,
    );
  }
  const count =
    typeof policy.maxReceiveCount === 'string' ? Number(policy.maxReceiveCount) : policy.maxReceiveCount;
  if (
    typeof count !== 'number' ||
    !Number.isInteger(count) ||
    count < 1 ||
    count > SQS_LIMITS.maxReceiveCount
  ) {
    throw configError(
      'InvalidParameterValue',
      action,
      `RedrivePolicy's maxReceiveCount must be an integer from 1 to ${SQS_LIMITS.maxReceiveCount}, got ${String(policy.maxReceiveCount)}`,
      hint,
    );
  }
  return { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: count };
}
