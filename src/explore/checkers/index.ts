import { deadLetter } from './dead-letter.js';
import { duplicatedEffect } from './duplicated-effect.js';
import { lost } from './lost.js';
import { reordered } from './reorder.js';
import { stuck } from './stuck.js';
import type { Checker } from './types.js';
import { unexpected } from './unexpected.js';

/** Every built-in checker; which anomalies count follows from the scenario's guarantees. */
export const builtInCheckers: readonly Checker[] = [
  lost,
  unexpected,
  duplicatedEffect,
  reordered,
  stuck,
  deadLetter,
];
export type { Checker, CheckInput } from './types.js';
