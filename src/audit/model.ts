/**
 * The audit's data model. `AuditReport` is the versioned JSON document (schema in
 * docs/audit.md); every other output format is rendered from it. The `*Facts` types are what a
 * language reader extracts from one file before the files are linked into a report.
 */

/** The four columns of the seed's Test Coverage Matrix. */
export const LAYERS = ['serialization', 'producer', 'consumer', 'e2e'] as const;
export type Layer = (typeof LAYERS)[number];

/** The seed's critical scenarios a test can exercise. */
export const SCENARIOS = [
  'idempotency',
  'ordering',
  'out-of-order',
  'partial-failure',
  'poison',
  'replay',
  'timeouts',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export type CellState = 'covered' | 'partial' | 'missing';
export type Severity = 'error' | 'warning' | 'note';

/** Where an event type was found; catalogs are authoritative when present. */
export type EventSource =
  | 'asyncapi'
  | 'eventcatalog'
  | 'defineEvent'
  | 'zod'
  | 'valibot'
  | 'typebox'
  | 'class'
  | 'interface'
  | 'type'
  | 'discriminant'
  | 'generic'
  | 'channel';

export interface Location {
  /** Path relative to the audited directory, with `/` separators. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
}

export interface Evidence extends Location {
  /** The full title of the test, when the evidence is a test. */
  readonly test?: string;
  /** Why this location counts, in a few words ("calls checkRoundTrip(OrderCreated)"). */
  readonly note: string;
}

// ---------------------------------------------------------------- facts (one file, before linking)

export interface EventDeclarationFact extends Location {
  readonly name: string;
  readonly source: EventSource;
  /** The identifier the code binds the event to, when it differs from the name. */
  readonly identifier?: string;
  /** Channel (topic, queue, subject…) the declaration ties the event to, when it says so. */
  readonly channel?: string;
}

/** A channel name: a literal, or a constant to resolve (in this file or the module it is imported from). */
export type ChannelRef =
  | { readonly literal: string }
  | { readonly identifier: string; readonly module?: string; readonly imported?: string };

export interface ChannelSiteFact extends Location {
  readonly channel: ChannelRef;
  readonly role: 'publish' | 'subscribe';
  /** The client library whose call this is (`kafkajs`, `amqplib`, … or `app` for a project's own publish()). */
  readonly client: string;
  /** Identifiers and strings in the payload, matched against event names when linking. */
  readonly payloadRefs: readonly string[];
}

export interface SignalFact {
  readonly line: number;
  readonly note: string;
}

export interface LayerSignalFact extends SignalFact {
  readonly layer: Layer;
  /** `full`: a round trip, a published/received assertion; `partial`: one direction or no assertion. */
  readonly strength: 'full' | 'partial';
}

export interface ScenarioSignalFact extends SignalFact {
  readonly scenario: Scenario;
}

export interface TestCaseFact extends Location {
  readonly title: string;
  readonly identifiers: readonly string[];
  readonly strings: readonly string[];
  readonly layers: readonly LayerSignalFact[];
  readonly scenarios: readonly ScenarioSignalFact[];
  readonly assertions: number;
  /** How the broker is reached in this test's file: mocked, real or containerized. */
  readonly broker?: BrokerUse;
}

export interface BrokerUse {
  readonly kind: 'mocked' | 'real' | 'containerized';
  readonly line: number;
  readonly note: string;
}

/** `describe.each(rows)` with `rows` imported from another module: rows are linked across files. */
export interface TableRefFact extends Location {
  readonly identifier: string;
  readonly module: string;
  readonly imported: string;
  /** The title template (`'$layer: $title'`), when the `.each` call gives one. */
  readonly template?: string;
}

/** An exported array of `{ title, run() {…} }` objects: a test table used by `.each` elsewhere. */
export interface TableFact {
  readonly name: string;
  readonly rows: readonly (TestCaseFact & { readonly fields: Readonly<Record<string, string>> })[];
}

export interface FileFacts {
  readonly file: string;
  readonly language: string;
  readonly isTestFile: boolean;
  readonly framework?: TestFramework;
  readonly imports: readonly string[];
  readonly events: readonly EventDeclarationFact[];
  readonly channels: readonly ChannelSiteFact[];
  readonly tests: readonly TestCaseFact[];
  readonly tableRefs: readonly TableRefFact[];
  readonly tables: readonly TableFact[];
  /** Top-level string constants (for channel names used by other files). */
  readonly constants: Readonly<Record<string, string>>;
  /** File-wide broker use (mocks, real clients, testcontainers). */
  readonly broker: readonly BrokerUse[];
  readonly warnings: readonly string[];
}

export type TestFramework = 'vitest' | 'jest' | 'mocha' | 'node:test' | 'ava' | 'unknown';

// ---------------------------------------------------------------- the report (JSON schema v1)

export const REPORT_SCHEMA_VERSION = 1;
export const REPORT_SCHEMA_ID =
  'https://github.com/eventproof/eventproof/blob/main/docs/audit.md#json-schema-v1';

export interface Cell {
  readonly state: CellState;
  readonly evidence: readonly Evidence[];
}

export interface MatrixRow {
  readonly eventType: string;
  readonly source: EventSource;
  readonly definedAt: readonly Location[];
  readonly channels: readonly string[];
  readonly cells: Readonly<Record<Layer, Cell>>;
}

export interface AuditedTest extends Location {
  readonly title: string;
  readonly framework: TestFramework;
  readonly layers: readonly Layer[];
  readonly scenarios: readonly Scenario[];
  readonly eventTypes: readonly string[];
  readonly broker?: BrokerUse['kind'];
}

export interface HelperReference {
  /** The eventproof API that closes the gap. */
  readonly name: string;
  /** The import it comes from (`eventproof`, `eventproof/vitest`, `eventproof/kafka`). */
  readonly module: string;
  /** `available` in this version; `planned` when it ships with a later release. */
  readonly status: 'available' | 'planned';
  /** Two lines to paste into a test. */
  readonly example: readonly [string, string];
}

export interface Finding {
  readonly ruleId: string;
  readonly kind: 'cell' | 'gap' | 'pitfall';
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  readonly recommendation: string;
  readonly helpers: readonly HelperReference[];
  readonly eventType?: string;
  readonly layer?: Layer;
  readonly evidence: readonly Evidence[];
}

export interface RuleDescription {
  readonly id: string;
  readonly kind: Finding['kind'];
  readonly severity: Severity;
  readonly title: string;
  /** The seed's wording: the gap's recommendation or the pitfall's problem → solution. */
  readonly description: string;
}

export interface AuditWarning {
  readonly file: string;
  readonly reason:
    | 'binary'
    | 'invalid-utf8'
    | 'too-large'
    | 'syntax-error'
    | 'unreadable'
    | 'symlink-loop'
    | 'not-a-file'
    | 'malformed-catalog'
    | 'minified';
  readonly message: string;
}

export interface AuditReport {
  readonly $schema: typeof REPORT_SCHEMA_ID;
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly tool: { readonly name: 'eventproof'; readonly version: string };
  readonly generatedAt: string;
  /** The audited directory as given on the command line. */
  readonly root: string;
  readonly summary: {
    readonly eventSource: 'asyncapi' | 'eventcatalog' | 'code' | 'none';
    readonly files: { readonly scanned: number; readonly tests: number; readonly skipped: number };
    readonly eventTypes: number;
    readonly tests: number;
    readonly coverage: {
      readonly cells: number;
      readonly covered: number;
      readonly partial: number;
      readonly missing: number;
      /** covered = 1, partial = ½, missing = 0; rounded to one decimal. */
      readonly percent: number;
    };
    readonly findings: Readonly<Record<Severity, number>>;
    readonly elapsedMs: number;
  };
  readonly matrix: readonly MatrixRow[];
  readonly findings: readonly Finding[];
  readonly tests: readonly AuditedTest[];
  readonly rules: readonly RuleDescription[];
  readonly warnings: readonly AuditWarning[];
}
