import type { BrokerName } from './provision.js';
import { BrokerOperationError } from './errors.js';

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The loop behind every probe's `settled()`: read broker facts until nothing is outstanding, and on
 * timeout say what was still outstanding. `outstanding` returns undefined when settled, else a
 * description of what is still moving.
 * @internal
 */
export async function settleOnFacts(options: {
  readonly broker: BrokerName;
  readonly url: string;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly hint: string;
  readonly outstanding: () => Promise<string | undefined>;
}): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const still = await options.outstanding();
    if (still === undefined) return;
    if (Date.now() >= deadline) {
      throw new BrokerOperationError(
        options.broker,
        `settle within ${options.timeoutMs} ms`,
        options.url,
        new Error(`still ${still}`),
        options.hint,
      );
    }
    await pause(options.pollMs);
  }
}
