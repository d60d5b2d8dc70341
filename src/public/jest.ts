// eventproof/jest: registers the eventproof matchers with jest's global expect (when there is one) and
// types them for both the `jest` global namespace and `@jest/globals`. Import it once, in a test file
// or a setupFilesAfterEach entry: import 'eventproof/jest';
// With injectGlobals: false, register them yourself: expect.extend(eventproofMatchers).
// The reference brings jest's 'expect' module into the program so it can be augmented below.
/// <reference types="expect" />
import { eventproofMatchers, type EventproofMatchers } from '../harness/matchers/index.js';

const globalExpect = (globalThis as { expect?: { extend?: (matchers: object) => void } }).expect;
if (typeof globalExpect?.extend === 'function') globalExpect.extend(eventproofMatchers);

declare global {
  // The `jest` namespace is how @types/jest users see matchers; its type parameters must be repeated.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
    interface Matchers<R, T = {}> extends EventproofMatchers<R> {}
  }
}

declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
  interface Matchers<R extends void | Promise<void>, T = unknown> extends EventproofMatchers<R> {}
}

export { eventproofMatchers };
export type { EventproofMatchers };
