import type { LanguageSupport } from './languages/language.js';
import {
  LAYERS,
  type AuditedTest,
  type BrokerUse,
  type Cell,
  type ChannelRef,
  type EventDeclarationFact,
  type EventSource,
  type Evidence,
  type FileFacts,
  type Layer,
  type LayerSignalFact,
  type Location,
  type MatrixRow,
  type Scenario,
  type TestCaseFact,
  type TestFramework,
} from './model.js';
import { compareText, eventKey } from './names.js';
import { TITLE_SCENARIOS as scenarioTitles } from './titles.js';

/** Lower ranks win when declarations of one event disagree on its name. */
const SOURCE_RANK: Readonly<Record<EventSource, number>> = {
  asyncapi: 0,
  eventcatalog: 0,
  defineEvent: 1,
  zod: 2,
  valibot: 2,
  typebox: 2,
  discriminant: 3,
  generic: 4,
  class: 5,
  interface: 5,
  type: 5,
  channel: 6,
};

const MAX_EVIDENCE = 5;

export interface LinkedEvent {
  readonly name: string;
  readonly key: string;
  readonly source: EventSource;
  readonly definedAt: Location[];
  /** Keys of every identifier bound to the event (`OrderCreated`, `orderCreatedSchema`). */
  readonly keys: Set<string>;
  readonly channels: Set<string>;
  /** Constants that hold one of its channels (`ORDERS_TOPIC`): a test using them reaches the channel. */
  readonly channelIdentifiers: Set<string>;
}

export interface LinkedTest {
  readonly fact: TestCaseFact;
  readonly framework: TestFramework;
  readonly layers: readonly LayerSignalFact[];
  readonly scenarios: readonly Scenario[];
  readonly broker?: BrokerUse;
  /** Event name → how the test reaches it. */
  readonly touches: ReadonlyMap<string, 'direct' | 'channel'>;
}

export interface ChannelSite extends Location {
  readonly channel: string;
  readonly role: 'publish' | 'subscribe';
  readonly client: string;
}

export interface LinkedModel {
  readonly eventSource: 'asyncapi' | 'eventcatalog' | 'code' | 'none';
  readonly events: readonly LinkedEvent[];
  readonly tests: readonly LinkedTest[];
  readonly sites: readonly ChannelSite[];
  readonly brokerUses: readonly (BrokerUse & { readonly file: string })[];
  readonly matrix: readonly MatrixRow[];
}

/** Joins the per-file facts: events with their channels, tests with the events they touch, the matrix. */
export function link(
  files: readonly FileFacts[],
  catalog: readonly EventDeclarationFact[],
  language: LanguageSupport,
): LinkedModel {
  const byPath = new Map(files.map((f) => [f.file, f]));
  const resolveModule = (from: string, specifier: string): FileFacts | undefined => {
    for (const candidate of language.resolveImport(from, specifier)) {
      const found = byPath.get(candidate);
      if (found) return found;
    }
    return undefined;
  };

  // --- channels, with constants resolved across one import
  const resolveChannel = (file: FileFacts, ref: ChannelRef, client: string): string | undefined => {
    let value: string | undefined;
    if ('literal' in ref) value = ref.literal;
    else if (ref.module)
      value = ref.module.startsWith('.')
        ? resolveModule(file.file, ref.module)?.constants[ref.imported ?? ref.identifier]
        : undefined;
    else value = file.constants[ref.identifier];
    if (!value) return undefined;
    if (client === '@aws-sdk/client-sqs') value = value.split('/').pop() ?? value;
    if (client === '@aws-sdk/client-sns') value = value.split(':').pop() ?? value;
    return value || undefined;
  };
  const sites: (ChannelSite & { refs: readonly string[]; identifier?: string })[] = [];
  for (const file of files) {
    for (const site of file.channels) {
      const channel = resolveChannel(file, site.channel, site.client);
      if (!channel) continue;
      sites.push({
        channel,
        role: site.role,
        client: site.client,
        file: site.file,
        line: site.line,
        refs: site.payloadRefs,
        ...('identifier' in site.channel ? { identifier: site.channel.identifier } : {}),
      });
    }
  }

  // --- event types: catalogs are authoritative; code declarations then only add aliases
  const declarations = files.flatMap((f) => f.events);
  const authoritative = catalog.length > 0;
  const events = new Map<string, LinkedEvent & { rank: number }>();
  const addDeclaration = (d: EventDeclarationFact, create: boolean) => {
    const key = eventKey(d.name);
    if (!key) return;
    let event = events.get(key);
    if (!event) {
      if (!create) return;
      event = {
        name: d.name,
        key,
        source: d.source,
        rank: SOURCE_RANK[d.source],
        definedAt: [],
        keys: new Set([key]),
        channels: new Set(),
        channelIdentifiers: new Set(),
      };
      events.set(key, event);
    } else if (create && SOURCE_RANK[d.source] < event.rank) {
      events.set(key, (event = { ...event, name: d.name, source: d.source, rank: SOURCE_RANK[d.source] }));
    }
    if (
      event.definedAt.length < MAX_EVIDENCE &&
      !event.definedAt.some((l) => l.file === d.file && l.line === d.line)
    )
      event.definedAt.push({ file: d.file, line: d.line });
    if (d.identifier) event.keys.add(eventKey(d.identifier));
    if (d.channel) event.channels.add(d.channel);
  };
  for (const d of catalog) addDeclaration(d, true);
  for (const d of declarations) addDeclaration(d, !authoritative);

  const byKey = new Map<string, LinkedEvent>();
  for (const event of events.values())
    for (const key of event.keys) if (!byKey.has(key)) byKey.set(key, event);

  // A publish or subscribe site tells which channel an event travels on, by what surrounds it.
  const unlinked = new Map<string, (typeof sites)[number][]>();
  for (const site of sites) {
    const linked = new Set<LinkedEvent>();
    for (const ref of site.refs) {
      const event = byKey.get(eventKey(ref));
      if (event) linked.add(event);
    }
    for (const event of linked) {
      event.channels.add(site.channel);
      if (site.identifier) event.channelIdentifiers.add(site.identifier);
    }
    if (linked.size === 0) {
      const list = unlinked.get(site.channel);
      if (list) list.push(site);
      else unlinked.set(site.channel, [site]);
    }
  }
  // Without any typed events or a catalog, topics and queues are the event types.
  for (const [channel, channelSites] of unlinked) {
    if (authoritative || [...events.values()].some((e) => e.channels.has(channel))) continue;
    const key = eventKey(channel);
    if (!key || events.has(key)) continue;
    const event = {
      name: channel,
      key,
      source: 'channel' as const,
      rank: SOURCE_RANK.channel,
      definedAt: channelSites.slice(0, MAX_EVIDENCE).map((s) => ({ file: s.file, line: s.line })),
      keys: new Set<string>(),
      channels: new Set([channel]),
      channelIdentifiers: new Set<string>(),
    };
    for (const s of channelSites) if (s.identifier) event.channelIdentifiers.add(s.identifier);
    events.set(key, event);
  }
  const eventList = [...events.values()].sort(
    (a, b) =>
      compareText(a.definedAt[0]!.file, b.definedAt[0]!.file) ||
      a.definedAt[0]!.line - b.definedAt[0]!.line ||
      compareText(a.name, b.name),
  );
  const channelOwners = new Map<string, LinkedEvent[]>();
  for (const event of eventList) {
    for (const channel of [...event.channels, ...event.channelIdentifiers]) {
      const owners = channelOwners.get(channel);
      if (owners) owners.push(event);
      else channelOwners.set(channel, [event]);
    }
  }

  // --- tests, table rows included, with broker use inherited from test-support modules they import
  const brokerUses = files.flatMap((f) => f.broker.map((b) => ({ ...b, file: f.file })));
  const strongest = (uses: readonly BrokerUse[]) =>
    uses.find((u) => u.kind === 'containerized') ??
    uses.find((u) => u.kind === 'real') ??
    uses.find((u) => u.kind === 'mocked');
  const brokerOf = (file: FileFacts): BrokerUse | undefined => {
    const own = strongest(file.broker);
    if (own && own.kind !== 'mocked') return own;
    const inherited: BrokerUse[] = [];
    for (const specifier of file.imports) {
      if (!specifier.startsWith('.')) continue;
      const support = resolveModule(file.file, specifier);
      const use =
        support && !support.isTestFile
          ? strongest(support.broker.filter((b) => b.kind !== 'mocked'))
          : undefined;
      if (support && use) inherited.push({ ...use, note: `${use.note} (in ${support.file})` });
    }
    return strongest(inherited) ?? own;
  };

  const tests: LinkedTest[] = [];
  const addTest = (fact: TestCaseFact, framework: TestFramework, broker: BrokerUse | undefined) => {
    const layers = [...fact.layers];
    if (broker && broker.kind !== 'mocked' && !layers.some((l) => l.layer === 'e2e')) {
      layers.push({
        layer: 'e2e',
        strength: fact.assertions > 0 ? 'full' : 'partial',
        line: fact.line,
        note: broker.note,
      });
    }
    const touches = new Map<string, 'direct' | 'channel'>();
    for (const id of fact.identifiers) {
      const event = byKey.get(eventKey(id));
      if (event && event.source !== 'channel') touches.set(event.name, 'direct');
      for (const owner of channelOwners.get(id) ?? [])
        if (!touches.has(owner.name))
          touches.set(owner.name, owner.source === 'channel' ? 'direct' : 'channel');
    }
    for (const value of fact.strings) {
      const event = byKey.get(eventKey(value));
      if (event) touches.set(event.name, 'direct');
      for (const owner of channelOwners.get(value) ?? [])
        if (!touches.has(owner.name))
          touches.set(owner.name, owner.source === 'channel' ? 'direct' : 'channel');
    }
    tests.push({
      fact,
      framework,
      layers,
      scenarios: [...new Set(fact.scenarios.map((s) => s.scenario))],
      ...(broker ? { broker } : {}),
      touches,
    });
  };
  for (const file of files) {
    if (!file.isTestFile && file.tableRefs.length === 0) continue;
    const broker = brokerOf(file);
    const framework = file.framework ?? 'unknown';
    for (const test of file.tests) addTest(test, framework, broker);
    for (const ref of file.tableRefs) {
      const table = resolveModule(file.file, ref.module)?.tables.find((t) => t.name === ref.imported);
      for (const row of table?.rows ?? []) {
        const title =
          ref.template && /\$\w/.test(ref.template)
            ? ref.template.replace(/\$(\w+)/g, (whole, field: string) => row.fields[field] ?? whole)
            : `${ref.template ? `${ref.template} › ` : ''}${row.title}`;
        addTest(
          { ...row, title, scenarios: [...row.scenarios, ...titleScenariosOf(row, title)] },
          framework,
          broker,
        );
      }
    }
  }
  tests.sort((a, b) => compareText(a.fact.file, b.fact.file) || a.fact.line - b.fact.line);

  // Tests per event, so a cell only looks at the tests that touch its event.
  const testsOf = new Map<string, LinkedTest[]>();
  for (const test of tests) {
    for (const name of test.touches.keys()) {
      const list = testsOf.get(name);
      if (list) list.push(test);
      else testsOf.set(name, [test]);
    }
  }
  const matrix = eventList.map((event): MatrixRow => {
    const cells = {} as Record<Layer, Cell>;
    for (const layer of LAYERS) cells[layer] = cellOf(event, layer, testsOf.get(event.name) ?? []);
    return {
      eventType: event.name,
      source: event.source,
      definedAt: event.definedAt,
      channels: [...event.channels].sort(),
      cells,
    };
  });

  return {
    eventSource: authoritative
      ? catalog[0]!.source === 'eventcatalog'
        ? 'eventcatalog'
        : 'asyncapi'
      : eventList.length > 0
        ? 'code'
        : 'none',
    events: eventList,
    tests,
    sites: sites.map(({ refs: _refs, identifier: _identifier, ...site }) => site),
    brokerUses,
    matrix,
  };
}

/** Table rows get their scenarios from the expanded title too (`'$layer: $title'` → "Idempotency: …"). */
function titleScenariosOf(row: TestCaseFact, title: string): TestCaseFact['scenarios'] {
  return title === row.title
    ? []
    : scenarioTitles
        .filter(([, pattern]) => pattern.test(title))
        .map(([scenario]) => ({ scenario, line: row.line, note: `title: "${title.slice(0, 80)}"` }));
}

function cellOf(event: LinkedEvent, layer: Layer, tests: readonly LinkedTest[]): Cell {
  const covered: Evidence[] = [];
  const partial: Evidence[] = [];
  for (const test of tests) {
    const touch = test.touches.get(event.name);
    if (!touch) continue;
    const signals = test.layers.filter((l) => l.layer === layer);
    if (signals.length === 0) continue;
    const best = signals.find((s) => s.strength === 'full') ?? signals[0]!;
    const full = touch === 'direct' && best.strength === 'full';
    const why =
      touch === 'channel' ? `${best.note}; reaches ${event.name} only through its channel` : best.note;
    (full ? covered : partial).push({
      file: test.fact.file,
      line: test.fact.line,
      test: test.fact.title,
      note: why,
    });
  }
  if (covered.length > 0)
    return { state: 'covered', evidence: [...covered, ...partial].slice(0, MAX_EVIDENCE) };
  if (partial.length > 0) return { state: 'partial', evidence: partial.slice(0, MAX_EVIDENCE) };
  return { state: 'missing', evidence: [] };
}

export function toAuditedTest(test: LinkedTest): AuditedTest {
  return {
    title: test.fact.title,
    file: test.fact.file,
    line: test.fact.line,
    framework: test.framework,
    layers: LAYERS.filter((l) => test.layers.some((s) => s.layer === l)),
    scenarios: test.scenarios,
    eventTypes: [...test.touches.keys()].sort(),
    ...(test.broker ? { broker: test.broker.kind } : {}),
  };
}
