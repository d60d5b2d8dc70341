import { failure, InjectedFailureError, InvalidArgumentError } from '../errors.js';
import { show } from './format.js';

/** The error a planned failure throws: an instance, or a factory called once per failing call. */
export type InjectedError =
  | Error
  | ((call: { readonly method: string; readonly call: number; readonly args: readonly unknown[] }) => Error);

interface PlanCommon {
  /** The error to throw; default an {@link InjectedFailureError} (code `INJECTED_FAILURE`). */
  readonly error?: InjectedError;
  /**
   * Delay each outcome by this many milliseconds, using the global `setTimeout` at call time (so
   * `vi.useFakeTimers()` / `jest.useFakeTimers()` control it). Promise-returning methods only.
   */
  readonly delayMs?: number;
  /**
   * Whether the method returns a promise. Detected for `async` methods and after the first real call;
   * set it for plain methods that return promises, so the very first injected failure rejects
   * instead of throwing synchronously.
   */
  readonly async?: boolean;
}

/** How one method misbehaves. */
export type MethodPlan =
  /** Every call throws (or rejects, for async methods). */
  | 'always'
  /** Every call returns a promise that never settles; pair with a timeout in the code or the harness. */
  | 'hang'
  /** The first `fail` calls throw, later calls run the real method. `Infinity` means always. */
  | (PlanCommon & { readonly fail: number })
  /** Only call number `failOnCall` (1-based) throws. */
  | (PlanCommon & { readonly failOnCall: number })
  /** Calls run the real method, slowed down by `delayMs`. */
  | (PlanCommon & { readonly delayMs: number });

/** Method names of `T`. */
export type MethodsOf<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never;
}[keyof T] &
  string;

/**
 * Which methods misbehave and how.
 *
 * @example
 * ```ts
 * failing(inventory, { reserve: { fail: 2 }, release: 'hang', count: { delayMs: 50 } });
 * ```
 */
export type FailurePlan<T> = { readonly [K in MethodsOf<T>]?: MethodPlan };

/**
 * One recorded call to a wrapped dependency.
 *
 * @example
 * ```ts
 * expect(callsOf(inventory, 'reserve')[0]).toMatchObject({ args: ['ABC', 2], outcome: 'threw', injected: true });
 * ```
 */
export interface FailingCall {
  readonly method: string;
  readonly args: readonly unknown[];
  /** 1-based number of this call among calls to the same method. */
  readonly call: number;
  /** `Date.now()` at the call. */
  readonly at: number;
  /** `pending` until a returned promise settles; `hung` for planned hangs, which never settle. */
  readonly outcome: 'returned' | 'threw' | 'hung' | 'pending';
  /** True when the plan decided the outcome (an injected failure or hang), false when the real method ran. */
  readonly injected: boolean;
  readonly value?: unknown;
  readonly error?: unknown;
  /** `Date.now()` when the outcome became known. */
  readonly settledAt?: number;
}

interface Wrapped {
  readonly calls: FailingCall[];
}

const registry = new WeakMap<object, Wrapped>();

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

const isAsyncFunction = (fn: unknown) => Object.prototype.toString.call(fn) === '[object AsyncFunction]';

function methodNames(target: object): string[] {
  const names = new Set<string>();
  for (
    let proto: object | null = target;
    proto && proto !== Object.prototype && proto !== Function.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (descriptor && typeof descriptor.value === 'function') names.add(name);
    }
  }
  return [...names].sort();
}

function describePlan(plan: MethodPlan): string {
  if (typeof plan === 'string') return `'${plan}'`;
  return show(Object.fromEntries(Object.entries(plan).filter(([key]) => key !== 'error')));
}

function checkPlan(owner: string, method: string, plan: unknown): MethodPlan {
  const bad = (why: string) =>
    new InvalidArgumentError(
      failure(
        `plan failures for ${owner}.${method}`,
        why,
        "Use 'always', 'hang', { fail: 2 }, { failOnCall: 3 } or { delayMs: 50 }",
      ),
    );
  if (plan === 'always' || plan === 'hang') return plan;
  if (typeof plan !== 'object' || plan === null)
    throw bad(`the plan ${show(plan)} is not one of the known plans`);
  const { fail, failOnCall, delayMs } = plan as { fail?: unknown; failOnCall?: unknown; delayMs?: unknown };
  if (fail === undefined && failOnCall === undefined && delayMs === undefined)
    throw bad('the plan sets none of fail, failOnCall or delayMs');
  if (fail !== undefined && failOnCall !== undefined) throw bad('the plan sets both fail and failOnCall');
  if (fail !== undefined && !(fail === Infinity || (Number.isInteger(fail) && (fail as number) >= 0)))
    throw bad(`fail must be a non-negative integer or Infinity, got ${show(fail)}`);
  if (failOnCall !== undefined && !(Number.isInteger(failOnCall) && (failOnCall as number) >= 1))
    throw bad(`failOnCall must be a positive integer, got ${show(failOnCall)}`);
  if (delayMs !== undefined && !(typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0))
    throw bad(`delayMs must be a non-negative number, got ${show(delayMs)}`);
  return plan as MethodPlan;
}

/**
 * Wraps a dependency so chosen methods fail the way real ones do: throw N times then succeed, always
 * throw, throw on the Nth call only, hang, or slow down. Other methods and properties pass through;
 * `this` is the real object, and sync methods stay sync (they throw, async ones reject). Every call is
 * recorded; read them with {@link callsOf}.
 *
 * @example
 * ```ts
 * const inventory = failing(new Inventory(), {
 *   reserve: { fail: 2, error: () => new InventoryError('out of stock') },
 *   release: 'hang',
 * });
 * const handler = new OrderHandler({ inventory });
 * // …
 * expect(callsOf(inventory, 'reserve').map((c) => c.outcome)).toEqual(['threw', 'threw', 'returned']);
 * ```
 */
export function failing<T extends object>(dependency: T, plan: FailurePlan<T>): T {
  if ((typeof dependency !== 'object' && typeof dependency !== 'function') || dependency === null) {
    throw new InvalidArgumentError(
      failure(
        'wrap a dependency with failing()',
        `expected an object but got ${show(dependency)}`,
        'Pass the object whose methods should fail, e.g. failing(inventory, { reserve: "always" })',
      ),
    );
  }
  const owner =
    dependency.constructor && dependency.constructor !== Object
      ? dependency.constructor.name || 'dependency'
      : 'dependency';
  const methods = methodNames(dependency);
  const plans = new Map<string, MethodPlan>();
  for (const [method, methodPlan] of Object.entries(plan as Record<string, unknown>)) {
    if (methodPlan === undefined) continue;
    if (!methods.includes(method)) {
      throw new InvalidArgumentError(
        failure(
          `plan failures for ${owner}.${method}`,
          `${owner} has no method '${method}'`,
          `Its methods are: ${methods.join(', ') || '(none)'}`,
        ),
      );
    }
    plans.set(method, checkPlan(owner, method, methodPlan));
  }

  const state: Wrapped = { calls: [] };
  const callCounts = new Map<string, number>();
  const seenAsync = new Set<string>();
  const wrappers = new Map<
    string,
    { original: (...args: unknown[]) => unknown; wrapper: (...args: unknown[]) => unknown }
  >();

  const makeError = (
    method: string,
    call: number,
    args: readonly unknown[],
    methodPlan: MethodPlan,
  ): Error => {
    const source = typeof methodPlan === 'object' ? methodPlan.error : undefined;
    if (source instanceof Error) return source;
    if (typeof source === 'function') return source({ method, call, args });
    return new InjectedFailureError(
      failure(
        `call ${owner}.${method}`,
        `failing() injected this failure on call ${call} (plan ${describePlan(methodPlan)})`,
        'This is the failure the test asked for: assert how the code under test copes with it',
      ),
      `${owner}.${method}`,
      call,
    );
  };

  const wrap = (method: string, original: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const call = (callCounts.get(method) ?? 0) + 1;
      callCounts.set(method, call);
      const record: { -readonly [K in keyof FailingCall]: FailingCall[K] } = {
        method,
        args,
        call,
        at: Date.now(),
        outcome: 'pending',
        injected: false,
      };
      state.calls.push(record);
      const settle = (outcome: 'returned' | 'threw', result: unknown) => {
        record.outcome = outcome;
        if (outcome === 'returned') record.value = result;
        else record.error = result;
        record.settledAt = Date.now();
      };
      const methodPlan = plans.get(method);
      const isAsync =
        (typeof methodPlan === 'object' ? methodPlan.async : undefined) ??
        (isAsyncFunction(original) || seenAsync.has(method));
      const delayMs = typeof methodPlan === 'object' ? (methodPlan.delayMs ?? 0) : 0;
      const later = <V>(promise: () => Promise<V>): Promise<V> =>
        delayMs > 0 ? new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(promise) : promise();

      if (methodPlan === 'hang') {
        record.outcome = 'hung';
        record.injected = true;
        return new Promise(() => undefined);
      }
      const inject =
        methodPlan === 'always' ||
        (typeof methodPlan === 'object' &&
          (('fail' in methodPlan && call <= methodPlan.fail) ||
            ('failOnCall' in methodPlan && call === methodPlan.failOnCall)));
      if (inject) {
        record.injected = true;
        const error = makeError(method, call, args, methodPlan);
        if (!isAsync && delayMs === 0) {
          settle('threw', error);
          throw error;
        }
        return later(() => {
          settle('threw', error);
          return Promise.reject(error);
        });
      }

      // The real object is `this` when called through the wrapper, so private fields keep working.
      const self = this === proxy ? dependency : this;
      let result: unknown;
      try {
        result = original.apply(self, args);
      } catch (error) {
        settle('threw', error);
        throw error;
      }
      if (!isThenable(result)) {
        if (delayMs > 0) {
          throw new InvalidArgumentError(
            failure(
              `slow down ${owner}.${method}`,
              'it returned synchronously, and a synchronous call cannot be delayed without blocking the thread',
              'Use delayMs only on methods that return promises',
            ),
          );
        }
        settle('returned', result);
        return result;
      }
      seenAsync.add(method);
      const settled = Promise.resolve(result).then(
        (value) => {
          settle('returned', value);
          return value;
        },
        (error: unknown) => {
          settle('threw', error);
          throw error;
        },
      );
      return later(() => settled);
    };

  const proxy: T = new Proxy(dependency, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof property === 'symbol' || property === 'constructor' || typeof value !== 'function')
        return value;
      const cached = wrappers.get(property);
      if (cached && cached.original === value) return cached.wrapper;
      const wrapper = wrap(property, value as (...args: unknown[]) => unknown);
      wrappers.set(property, { original: value as (...args: unknown[]) => unknown, wrapper });
      return wrapper;
    },
  });
  registry.set(proxy, state);
  return proxy;
}

/**
 * The calls made to a {@link failing} wrapper, in order, optionally for one method only.
 *
 * @example
 * ```ts
 * expect(callsOf(inventory, 'reserve')).toHaveLength(3);
 * expect(callsOf(inventory).filter((c) => c.injected)).toHaveLength(2);
 * ```
 */
export function callsOf<T extends object>(wrapped: T, method?: MethodsOf<T>): readonly FailingCall[] {
  const state = registry.get(wrapped);
  if (!state) {
    throw new InvalidArgumentError(
      failure(
        'read the calls of a dependency',
        'it was not made by failing()',
        'Pass the wrapper that failing(dependency, plan) returned',
      ),
    );
  }
  return method === undefined ? [...state.calls] : state.calls.filter((call) => call.method === method);
}
