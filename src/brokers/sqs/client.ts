import type * as Client from '@aws-sdk/client-sqs';
import { loadPeer } from '../peer.js';

/** The @aws-sdk/client-sqs module, loaded on first use (an optional peer). @internal */
export type SqsClientModule = typeof Client;

/** @internal */
export const loadSqsClient = (): Promise<SqsClientModule> =>
  loadPeer<SqsClientModule>('@aws-sdk/client-sqs', 'The SQS probe');
