import type { Layer, RuleDescription, Scenario, Severity } from '../model.js';
import { HELPERS } from './helpers.js';
import type { HelperReference } from '../model.js';

export interface Rule extends RuleDescription {
  /** The seed's first column: the gap or pitfall as the seed names it. */
  readonly seedName: string;
  /** The seed's recommendation (gaps) or solution (pitfalls). */
  readonly recommendation: string;
  /** Pitfalls only: the seed's "Problem" column. */
  readonly problem?: string;
  readonly helpers: readonly HelperReference[];
}

const rule = (r: Rule): Rule => r;

/** One rule per missing or partial matrix cell. */
export const CELL_RULES: Readonly<Record<Layer, Rule>> = {
  serialization: rule({
    id: 'EP-CELL-SERIALIZATION',
    kind: 'cell',
    severity: 'warning',
    title: 'Event type without a serialization test',
    seedName: 'Layer 1: Message Serialization',
    description: 'Test that messages can be serialized/deserialized correctly.',
    recommendation: 'Add a round-trip test: encode, decode, compare',
    helpers: [HELPERS.checkRoundTrip],
  }),
  producer: rule({
    id: 'EP-CELL-PRODUCER',
    kind: 'cell',
    severity: 'warning',
    title: 'Event type without a producer test',
    seedName: 'Layer 2: Producer Logic',
    description: 'Test that correct events are produced for given inputs.',
    recommendation: 'Assert the code publishes this event, once, with the right payload',
    helpers: [HELPERS.recordingPublisher],
  }),
  consumer: rule({
    id: 'EP-CELL-CONSUMER',
    kind: 'cell',
    severity: 'warning',
    title: 'Event type without a consumer test',
    seedName: 'Layer 3: Consumer Logic',
    description: 'Test that consumers handle events correctly.',
    recommendation: 'Deliver this event to its consumer and assert the effect',
    helpers: [HELPERS.consumerHarness],
  }),
  e2e: rule({
    id: 'EP-CELL-E2E',
    kind: 'cell',
    severity: 'warning',
    title: 'Event type without an end-to-end test on a real broker',
    seedName: 'Layer 4: Integration',
    description: 'Test full publish/consume cycle with real (or containerized) broker.',
    recommendation: 'Publish and consume this event through a real or containerized broker',
    helpers: [HELPERS.probe],
  }),
};

/** The seed's "For Gaps in Event Testing" table, row for row, plus out-of-order delivery. */
export const GAP_RULES: readonly (Rule & { readonly scenarios: readonly Scenario[] | 'e2e' })[] = [
  {
    id: 'EP-GAP-IDEMPOTENCY',
    kind: 'gap',
    severity: 'error',
    title: 'No idempotency tests',
    seedName: 'No idempotency tests',
    description: 'No test delivers the same event twice and checks that it took effect once.',
    recommendation: 'Add duplicate event tests',
    helpers: [HELPERS.duplicateDelivery, HELPERS.expectIdempotent],
    scenarios: ['idempotency'],
  },
  {
    id: 'EP-GAP-ORDERING',
    kind: 'gap',
    severity: 'warning',
    title: 'No ordering tests',
    seedName: 'No ordering tests',
    description:
      'No test checks that a sequence of events (created → updated → shipped) ends in the right state.',
    recommendation: 'Add sequence tests',
    helpers: [HELPERS.toHavePublishedInOrder, HELPERS.expectOrdered],
    scenarios: ['ordering', 'out-of-order'],
  },
  {
    id: 'EP-GAP-FAILURE',
    kind: 'gap',
    severity: 'error',
    title: 'No failure tests',
    seedName: 'No failure tests',
    description: 'No test makes a dependency fail or delivers a malformed message.',
    recommendation: 'Add poison message tests',
    helpers: [HELPERS.poison, HELPERS.failing, HELPERS.expectNoLoss],
    scenarios: ['poison', 'partial-failure'],
  },
  {
    id: 'EP-GAP-INTEGRATION',
    kind: 'gap',
    severity: 'warning',
    title: 'No integration tests',
    seedName: 'No integration tests',
    description: 'No test publishes and consumes through a real or containerized broker.',
    recommendation: 'Add containerized broker tests',
    helpers: [HELPERS.probe],
    scenarios: 'e2e',
  },
  {
    id: 'EP-GAP-REPLAY',
    kind: 'gap',
    severity: 'note',
    title: 'No replay tests',
    seedName: 'No replay tests',
    description: 'No test replays recorded events to rebuild state, or replays them twice.',
    recommendation: 'Test event replay scenarios',
    helpers: [HELPERS.expectReplayEquivalent],
    scenarios: ['replay'],
  },
  {
    id: 'EP-GAP-OUT-OF-ORDER',
    kind: 'gap',
    severity: 'note',
    title: 'No out-of-order tests',
    seedName: 'No out-of-order tests',
    description: 'No test delivers a later event before an earlier one (an update before its create).',
    recommendation: 'Add out-of-order delivery tests',
    helpers: [HELPERS.expectOrdered],
    scenarios: ['out-of-order'],
  },
];

/** The seed's "Common Pitfalls" table. */
export const PITFALL_RULES = {
  happyPath: rule({
    id: 'EP-PITFALL-HAPPY-PATH',
    kind: 'pitfall',
    severity: 'warning',
    title: 'Testing only happy path',
    seedName: 'Testing only happy path',
    problem: 'Failures not handled',
    description:
      'Every event test takes the happy path: none makes a dependency fail, time out or deliver a duplicate.',
    recommendation: 'Test timeouts, errors, duplicates',
    helpers: [HELPERS.failing, HELPERS.duplicateDelivery],
  }),
  mockedBroker: rule({
    id: 'EP-PITFALL-MOCKED-BROKER',
    kind: 'pitfall',
    severity: 'warning',
    title: 'Mocking the broker',
    seedName: 'Mocking the broker',
    problem: 'Behavior differs from real',
    description:
      'Every test replaces the broker with a mock or an in-memory double; none runs against a real one.',
    recommendation: 'Use testcontainers',
    helpers: [HELPERS.probe],
  }),
  ignoringOrdering: rule({
    id: 'EP-PITFALL-IGNORING-ORDERING',
    kind: 'pitfall',
    severity: 'warning',
    title: 'Ignoring ordering',
    seedName: 'Ignoring ordering',
    problem: 'Race conditions',
    description: 'Several event types change the same entity, and no test delivers them in a specific order.',
    recommendation: 'Test specific ordering scenarios',
    helpers: [HELPERS.expectOrdered],
  }),
  noDlq: rule({
    id: 'EP-PITFALL-NO-DLQ',
    kind: 'pitfall',
    severity: 'warning',
    title: 'No DLQ testing',
    seedName: 'No DLQ testing',
    problem: 'Poison messages lost',
    description:
      'Events are consumed, and no test sends a malformed message to check it reaches the dead-letter queue.',
    recommendation: 'Test DLQ routing',
    helpers: [HELPERS.poison, HELPERS.expectNoLoss],
  }),
} as const;

export const ALL_RULES: readonly Rule[] = [
  ...Object.values(CELL_RULES),
  ...GAP_RULES,
  ...Object.values(PITFALL_RULES),
];

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { note: 1, warning: 2, error: 3 };
