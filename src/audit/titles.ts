import type { Scenario } from './model.js';

/** The scenario a test title names. Checked on the full title (describe blocks included). */
export const TITLE_SCENARIOS: readonly (readonly [Scenario, RegExp])[] = [
  [
    'idempotency',
    /duplicat|idempoten|\btwice\b|de-?dup|exactly[- ]once|redeliver|same (event|message) again/i,
  ],
  ['out-of-order', /out[- ]of[- ]order|\bbefore (its|the)\b|reorder|late[- ]arriv|\bstale\b/i],
  ['ordering', /\bin order\b|\bordering\b|\bsequence|sequential|per[- ]key order|\border of\b/i],
  ['partial-failure', /\bfail|retr(y|ies|ied)|requeue|roll ?back|transient|recover|\berrors?\b|\bdown\b/i],
  [
    'poison',
    /poison|malformed|dead[- ]?letter|\bdlq\b|invalid (json|message|payload|event)|corrupt|garbage|unparseable/i,
  ],
  ['replay', /replay|rebuild|re-?hydrat|event[- ]sourc|projection/i],
  ['timeouts', /time ?out|timed out|\bhangs?\b|\bslow\b|deadline|latency/i],
];

/** Test titles that name a layer (`describe('integration')`). */
export const TITLE_E2E = /\b(integration|e2e|end[- ]to[- ]end)\b/i;
