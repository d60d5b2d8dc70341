import type { Checker } from './types.js';

/** A valid message that took no effect and is not in the dead-letter queue: acknowledged away, never processed. */
export const lost: Checker = ({ history, guarantees, exhausted, stuck }) => {
  if (guarantees.delivery === 'at-most-once' || exhausted || stuck.length > 0) return [];
  const anomalies = [];
  for (const message of history.published.values()) {
    if (message.poison) continue;
    const tally = history.tally(message.id);
    if (tally.applied > 0 || tally['dead-lettered'] > 0) continue;
    const deliveries = tally.delivered;
    anomalies.push({
      kind: 'lost' as const,
      subject: message.id,
      explanation:
        deliveries === 0
          ? `${message.id} was published but never reached the handler, and the world is quiet: it was lost.`
          : `${message.id} was delivered ${deliveries} time${deliveries > 1 ? 's' : ''} but never took effect and is not in the dead-letter queue: it was acknowledged without being processed.`,
    });
  }
  return anomalies;
};
