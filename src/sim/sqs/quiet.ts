import type { Simulation } from '../world.js';

/**
 * What a consumer reads of the world to know whether its next poll, scheduled now at delay 0, would
 * be the very next step with nothing in between. The Simulation keeps these private; they are read
 * here, not changed. Should they ever be renamed, `nothingElseDue` answers false and every consumer
 * takes the general path (one scheduler step per receive): slower, never different.
 */
interface WorldInternals {
  readonly scheduler?: { peek?: () => { readonly time: number } | undefined };
  readonly inFlight?: { readonly size: number };
  readonly stepHooks?: { readonly length: number };
}

/**
 * True when a poll scheduled now at delay 0 would run next: no task is due by now (a task due at
 * the same time was scheduled earlier, so it would run first), no tracked handler promise is in
 * flight (its continuations run between steps) and nobody watches the steps (the explorer checks
 * `always` invariants after each one).
 * @internal
 */
export function nothingElseDue(sim: Simulation): boolean {
  const world = sim as unknown as WorldInternals;
  const scheduler = world.scheduler;
  const inFlight = world.inFlight;
  const hooks = world.stepHooks;
  if (
    scheduler === undefined ||
    typeof scheduler.peek !== 'function' ||
    inFlight === undefined ||
    inFlight.size !== 0 ||
    hooks === undefined ||
    hooks.length !== 0
  )
    return false;
  const next = scheduler.peek();
  return next === undefined || next.time > sim.now();
}
