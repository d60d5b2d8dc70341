import type { EndpointOptions } from '../provision.js';

/**
 * How to make an SQS probe. Works against ElasticMQ, LocalStack or AWS: only the endpoint differs.
 *
 * @example
 * ```ts
 * await using probe = await sqs.probe({ url: 'http://127.0.0.1:9324', region: 'us-east-1' });
 * ```
 */
export interface SqsProbeOptions extends EndpointOptions {
  /** Goes into every queue name the probe creates. Default `test`. */
  readonly label?: string | undefined;
  /** Default `AWS_REGION`, else `us-east-1`. */
  readonly region?: string | undefined;
  /** Default: fixed dummy keys for a local endpoint (ElasticMQ ignores them), the SDK's chain otherwise. */
  readonly credentials?:
    | { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
    | undefined;
}

/** @internal */
export const SQS_DEFAULTS = { label: 'test', pollMs: 20, waitTimeSeconds: 1 } as const;
