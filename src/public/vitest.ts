// eventproof/vitest: registers the eventproof matchers with vitest's expect and types them.
// Import it once, in a test file or a setupFiles entry: import 'eventproof/vitest';
import { expect } from 'vitest';
import { eventproofMatchers, type EventproofMatchers } from '../harness/matchers/index.js';

expect.extend(eventproofMatchers);

declare module 'vitest' {
  // Interface merging must repeat vitest's own type parameters, `any` default included.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
  interface Assertion<T = any> extends EventproofMatchers<void> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends EventproofMatchers<void> {}
}

export { eventproofMatchers };
export type { EventproofMatchers };
