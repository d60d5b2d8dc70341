import type { TestFramework } from '../../model.js';

/** Functions that declare tests or groups, with the modifiers the runners allow between. */
export const TEST_FUNCTIONS = new Set(['it', 'test', 'specify', 'xit', 'xtest', 'fit']);
export const GROUP_FUNCTIONS = new Set([
  'describe',
  'context',
  'suite',
  'xdescribe',
  'fdescribe',
  'xcontext',
]);
/** Modifiers that mean the test does not run; such tests are not counted as coverage. */
export const NOT_RUN = new Set(['skip', 'todo', 'xit', 'xtest', 'xdescribe', 'xcontext', 'fixme']);

export const FRAMEWORK_MODULES: ReadonlyMap<string, TestFramework> = new Map(
  Object.entries({
    vitest: 'vitest',
    '@jest/globals': 'jest',
    'node:test': 'node:test',
    test: 'node:test',
    ava: 'ava',
    mocha: 'mocha',
  } satisfies Record<string, TestFramework>),
);

/** `*.test.ts`, `*.spec.js`, `*.tests.mjs`, `*.e2e-spec.ts`, `OrderServiceTest.ts`, `__tests__/x.ts`. */
const TEST_NAME =
  /(?:[.-](?:test|tests|spec|specs|e2e|e2e-spec|int-spec|integration|it)|(?<=[a-z0-9])(?:Test|Tests|Spec|IT))\.[cm]?[jt]sx?$/;

export function isTestPath(file: string): boolean {
  return TEST_NAME.test(file) || /(^|\/)__tests__\//.test(file);
}

/** Folders that hold tests by convention: a file there with test calls is a test file. */
export const TEST_FOLDER = /(^|\/)(test|tests|spec|specs|__tests__|e2e|integration)\//;
