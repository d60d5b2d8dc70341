import { performance } from 'node:perf_hooks';
import { correctShop } from '../src/variants.js';
import type { ShopCheck } from './seed-checks.js';

export interface CheckResult {
  readonly check: ShopCheck;
  /** The check passed on the correct shop. */
  readonly passed: boolean;
  readonly failure?: unknown;
  /** The check failed on its broken build, as it must. */
  readonly caught: boolean;
  /** Why the broken build failed (the first line of the error). */
  readonly caughtBecause?: string;
  readonly durationMs: number;
}

/** Runs each check on the correct shop and on the broken build it claims to catch. */
export async function runChecks(checks: readonly ShopCheck[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const started = performance.now();
    let failure: unknown;
    let passed = true;
    try {
      await check.run(correctShop);
    } catch (error) {
      passed = false;
      failure = error;
    }
    let caughtBecause: string | undefined;
    try {
      await check.run(check.catches);
    } catch (error) {
      caughtBecause = firstLine(error);
    }
    results.push({
      check,
      passed,
      failure,
      caught: caughtBecause !== undefined,
      caughtBecause,
      durationMs: performance.now() - started,
    });
  }
  return results;
}

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
