import type { Checker } from './types.js';

/** A valid message that took no effect and is not in the dead-letter queue: acknowledged away, never processed. */
export const lost: Checker = ({ history, guarantees, exhausted, stuck }) => {
  if (guarantees.delivery === 'at-most-once' || exhausted || stuck.length > 0) return [];
  const anomalies = [];
  for (const message of history.published.values()) {
    if (message.poison) continue;
    if (history.count('applied', message.id) > 0 || history.count('dead-lettered', message.id) > 0) continue;
    const deliveries = history.count('delivered', message.id);
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
