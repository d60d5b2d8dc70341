import type * as Client from '@platformatic/kafka';
import { loadPeer } from '../peer.js';

/** The @platformatic/kafka module, loaded on first use (an optional peer). @internal */
export type KafkaClientModule = typeof Client;

/** @internal */
export const loadKafkaClient = (): Promise<KafkaClientModule> =>
  loadPeer<KafkaClientModule>('@platformatic/kafka', 'The Kafka probe');
