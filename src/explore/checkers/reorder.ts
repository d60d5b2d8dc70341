import type { Anomaly } from '../types.js';
import type { Checker } from './types.js';

/**
 * Per-key order of effects: for each key, the first effect of each message must follow publish
 * order. A later message taking effect before an earlier one is `nonmonotonic`; one that takes
 * effect while an earlier one never does is a `skip`.
 */
export const reordered: Checker = ({ history, guarantees }) => {
  if (guarantees.order === 'none') return [];
  const firstEffect = new Map<string, number>();
  for (const e of history.of('applied')) if (!firstEffect.has(e.id)) firstEffect.set(e.id, e.step);
  const byKey = new Map<string, { id: string; seq: number; poison: boolean }[]>();
  for (const m of history.published.values()) {
    if (m.key === undefined) continue;
    let list = byKey.get(m.key);
    if (!list) byKey.set(m.key, (list = []));
    list.push(m);
  }
  const anomalies: Anomaly[] = [];
  for (const [key, messages] of byKey) {
    messages.sort((a, b) => a.seq - b.seq);
    for (let i = 0; i < messages.length; i++) {
      const earlier = messages[i]!;
      if (earlier.poison) continue;
      for (let j = i + 1; j < messages.length; j++) {
        const later = messages[j]!;
        const laterStep = firstEffect.get(later.id);
        if (laterStep === undefined) continue;
        const earlierStep = firstEffect.get(earlier.id);
        if (earlierStep === undefined) {
          if (history.count('dead-lettered', earlier.id) > 0) continue;
          anomalies.push({
            kind: 'reordered',
            subject: later.id,
            explanation: `skip: for key ${key}, ${later.id} (#${later.seq}) took effect but the earlier ${earlier.id} (#${earlier.seq}) never did.`,
          });
        } else if (laterStep < earlierStep) {
          anomalies.push({
            kind: 'reordered',
            subject: later.id,
            explanation: `nonmonotonic: for key ${key}, ${later.id} (#${later.seq}) took effect before ${earlier.id} (#${earlier.seq}), against publish order.`,
          });
        }
        break;
      }
    }
  }
  return anomalies;
};
