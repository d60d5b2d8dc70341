import type { Checker } from './types.js';

/** An effect for a message nobody published. */
export const unexpected: Checker = ({ history }) => {
  const seen = new Set<string>();
  const anomalies = [];
  for (const event of history.of('applied')) {
    if (history.published.has(event.id) || seen.has(event.id)) continue;
    seen.add(event.id);
    anomalies.push({
      kind: 'unexpected' as const,
      subject: event.id,
      explanation: `${event.id} took effect at ${event.time}ms but was never published.`,
    });
  }
  return anomalies;
};
