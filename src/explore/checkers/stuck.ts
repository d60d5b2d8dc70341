import type { Checker } from './types.js';

/** Work that never finishes: a handler that never settles, or a world that never quiesces. */
export const stuck: Checker = ({ stuck: inFlight, exhausted, sim }) => {
  const anomalies = inFlight.map((work) => ({
    kind: 'stuck' as const,
    subject: work.label,
    explanation: `${work.label} started at ${work.since}ms and never settled, though nothing else could happen: in flight forever.`,
  }));
  if (exhausted) {
    anomalies.push({
      kind: 'stuck' as const,
      subject: 'world',
      explanation: `the world was still busy after ${sim.now()}ms of virtual time and the step budget: it never quiesces (a retry without a limit, or a poison message retried forever?).`,
    });
  }
  return anomalies;
};
