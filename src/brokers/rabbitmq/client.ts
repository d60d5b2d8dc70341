import type * as Client from 'amqplib';
import { loadPeer } from '../peer.js';

/** The amqplib module, loaded on first use (an optional peer). @internal */
export type AmqpClientModule = typeof Client;

/** @internal */
export const loadAmqpClient = (): Promise<AmqpClientModule> =>
  loadPeer<AmqpClientModule>('amqplib', 'The RabbitMQ probe');
