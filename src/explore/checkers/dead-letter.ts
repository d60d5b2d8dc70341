import type { Anomaly } from '../types.js';
import type { Checker } from './types.js';

/**
 * The dead-letter queue's accounting: poison goes there and is never processed or retried (a
 * redelivery after a crash may dead-letter it again: at-least-once); valid messages do not go there.
 */
export const deadLetter: Checker = ({ history, exhausted }) => {
  const anomalies: Anomaly[] = [];
  for (const message of history.published.values()) {
    const tally = history.tally(message.id);
    const dead = tally['dead-lettered'];
    const delivered = tally.delivered;
    const applied = tally.applied;
    if (message.poison) {
      if (applied > 0) {
        anomalies.push({
          kind: 'poison-processed',
          subject: message.id,
          explanation: `${message.id} is poison but took effect: the consumer processed a malformed message.`,
        });
      }
      if (delivered > 1 && dead === 0) {
        anomalies.push({
          kind: 'poison-retried',
          subject: message.id,
          explanation: `${message.id} is poison and was handed to the handler ${delivered} times without ever reaching the dead-letter queue: retrying cannot fix it; give up after a few attempts and dead-letter it.`,
        });
      }
      if (dead === 0 && !exhausted && applied === 0) {
        anomalies.push({
          kind: 'dlq-accounting',
          subject: message.id,
          explanation: `${message.id} is poison but never reached the dead-letter queue, and the world is quiet: it was dropped.`,
        });
      }
    } else if (dead > 0 && applied === 0) {
      const reason = history.events.find((e) => e.op === 'dead-lettered' && e.id === message.id)?.reason;
      anomalies.push({
        kind: 'dead-lettered-valid',
        subject: message.id,
        explanation: `${message.id} is a valid message but was dead-lettered${reason ? ` (${reason})` : ''} instead of processed.`,
      });
    }
  }
  return anomalies;
};
