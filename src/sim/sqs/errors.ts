import { EventproofError, failure, type EventproofErrorCode } from '../../errors.js';

/**
 * AWS error codes the SQS and SNS models throw, as the SDK names them.
 *
 * @example
 * ```ts
 * const code: AwsErrorCode = (error as SqsSimError).awsCode; // 'QueueDoesNotExist'
 * ```
 */
export type AwsErrorCode =
  | 'QueueDoesNotExist'
  | 'QueueNameExists'
  | 'InvalidParameterValue'
  | 'InvalidAttributeName'
  | 'InvalidAttributeValue'
  | 'MissingParameter'
  | 'InvalidMessageContents'
  | 'ReceiptHandleIsInvalid'
  | 'MessageNotInflight'
  | 'PurgeQueueInProgress'
  | 'EmptyBatchRequest'
  | 'TooManyEntriesInBatchRequest'
  | 'BatchEntryIdsNotDistinct'
  | 'InvalidBatchEntryId'
  | 'BatchRequestTooLong'
  | 'UnsupportedOperation'
  | 'ServiceUnavailable'
  | 'RequestTimeout'
  | 'NotFound'
  | 'InvalidParameter';

/**
 * An error of the SQS/SNS models. Its `name` is the AWS error code (`QueueDoesNotExist`, …) so code
 * that branches on `error.name`, as AWS SDK v3 code does, behaves as it would against AWS; `code` is
 * eventproof's stable code and the message says what to do.
 *
 * @example
 * ```ts
 * try {
 *   await sqs.sendMessage({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/000000000000/nope', MessageBody: 'x' });
 * } catch (error) {
 *   if (error instanceof SqsSimError && error.name === 'QueueDoesNotExist') console.log(error.message);
 * }
 * ```
 */
export class SqsSimError extends EventproofError {
  /** The AWS error code, also the `name`. */
  readonly awsCode: AwsErrorCode;
  /** As the SDK marks it: 'client' when the request was wrong, 'server' when AWS failed. */
  readonly $fault: 'client' | 'server';
  /** True when retrying the same request may succeed (service unavailable, timeout). */
  readonly retryable: boolean;

  constructor(
    code: EventproofErrorCode,
    awsCode: AwsErrorCode,
    message: string,
    fault: 'client' | 'server' = 'client',
  ) {
    super(code, message);
    this.name = awsCode;
    this.awsCode = awsCode;
    this.$fault = fault;
    this.retryable = fault === 'server';
  }
}

/** A configuration or request error: `SIM_CONFIG`, message naming the AWS code. @internal */
export const configError = (
  awsCode: AwsErrorCode,
  action: string,
  reason: string,
  hint: string,
): SqsSimError => new SqsSimError('SIM_CONFIG', awsCode, failure(action, `${awsCode}: ${reason}`, hint));

/** An unknown queue, topic or subscription: `SIM_UNKNOWN_TARGET`. @internal */
export const unknownTarget = (
  awsCode: AwsErrorCode,
  action: string,
  reason: string,
  hint: string,
): SqsSimError =>
  new SqsSimError('SIM_UNKNOWN_TARGET', awsCode, failure(action, `${awsCode}: ${reason}`, hint));

/** The model is inside an `unavailable` fault window. @internal */
export const unavailableError = (
  awsCode: 'ServiceUnavailable' | 'RequestTimeout',
  action: string,
  reason: string,
  hint: string,
): SqsSimError =>
  new SqsSimError('BROKER_UNAVAILABLE', awsCode, failure(action, `${awsCode}: ${reason}`, hint), 'server');
