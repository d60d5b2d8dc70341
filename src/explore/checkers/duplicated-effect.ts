import { at, type Checker } from './types.js';

/** At-least-once delivery allows duplicate deliveries, never duplicate effects (unless declared). */
export const duplicatedEffect: Checker = ({ history, guarantees, sim }) => {
  if (guarantees.effects === 'at-least-once') return [];
  const anomalies = [];
  for (const message of history.published.values()) {
    if (history.count('applied', message.id) < 2) continue;
    const effects = history.of('applied').filter((e) => e.id === message.id);
    const faults = sim.trace.events.filter(
      (e) => e.kind === 'fault' || e.kind === 'redeliver' || e.kind === 'rebalance',
    );
    const cause =
      faults.length > 0
        ? ` The broker redelivered it (${faults
            .slice(0, 3)
            .map((f) => `${f.kind} ${f.detail ?? ''} at ${at(f.time)}`.trim())
            .join('; ')}), and the handler applied it again instead of recognising the duplicate.`
        : ' The handler applied it again instead of recognising the duplicate.';
    anomalies.push({
      kind: 'duplicated-effect' as const,
      subject: message.id,
      explanation: `${message.id} took effect ${effects.length} times (at ${effects.map((e) => at(e.time)).join(', ')}).${cause}`,
    });
  }
  return anomalies;
};
