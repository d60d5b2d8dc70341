/** What the shop needs from a message bus: eventproof's recordingPublisher and real clients both fit. */
export interface Publisher {
  publish(
    topic: string,
    event: object,
    options?: { key?: string; headers?: Record<string, string> },
  ): Promise<void>;
}

export const ORDERS_TOPIC = 'orders';
