/**
 * True when `got` has exactly the keys of `sent`, each with the identical value (`===`): a delivery
 * whose headers are those of a prepared message can reuse what was worked out for it once.
 */
export function sameRecord(
  got: Readonly<Record<string, unknown>> | undefined,
  sent: Readonly<Record<string, unknown>>,
  /** How many keys `for…in` finds in `sent`, when the caller knows (it is counted otherwise). */
  sentKeys?: number,
): boolean {
  if (!got) return false;
  let n = 0;
  for (const name in got) {
    if (got[name] !== sent[name]) return false;
    n++;
  }
  if (sentKeys !== undefined) return n === sentKeys;
  for (const _ in sent) n--;
  return n === 0;
}
