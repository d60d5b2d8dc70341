import type { LinkedModel, LinkedTest } from '../link.js';
import { LAYERS, type Evidence, type Finding, type Location, type Scenario } from '../model.js';
import { eventKey, textRanks, words } from '../names.js';
import { CELL_RULES, GAP_RULES, PITFALL_RULES, SEVERITY_RANK, type Rule } from './catalog.js';

const MAX_EVIDENCE = 5;
const KIND_ORDER = { gap: 0, pitfall: 1, cell: 2 } as const;

const finding = (
  rule: Rule,
  fields: Omit<Finding, 'ruleId' | 'kind' | 'title' | 'recommendation' | 'helpers' | 'severity'> & {
    severity?: Finding['severity'];
  },
): Finding => ({
  ruleId: rule.id,
  kind: rule.kind,
  severity: fields.severity ?? rule.severity,
  title: rule.title,
  recommendation: rule.recommendation,
  helpers: rule.helpers,
  ...fields,
});

const testEvidence = (test: LinkedTest, note: string): Evidence => ({
  file: test.fact.file,
  line: test.fact.line,
  test: test.fact.title,
  note,
});
const at = (location: Location, note: string): Evidence => ({
  file: location.file,
  line: location.line,
  note,
});

/** Every rule of the catalogue applied to the linked model; sorted by severity, then kind and rule. */
export function evaluate(model: LinkedModel): Finding[] {
  const findings: Finding[] = [];
  if (model.events.length === 0) return findings;
  const has = (scenario: Scenario) => model.tests.some((t) => t.scenarios.includes(scenario));
  const e2eTests = model.tests.filter((t) =>
    t.layers.some((l) => l.layer === 'e2e' && (t.broker?.kind ?? 'real') !== 'mocked'),
  );
  const consumerTests = model.tests.filter((t) => t.layers.some((l) => l.layer === 'consumer'));
  const definitions = model.events
    .slice(0, MAX_EVIDENCE)
    .map((e) => at(e.definedAt[0]!, `${e.name} is defined here`));
  const whereToAdd =
    consumerTests.length > 0
      ? consumerTests.slice(0, 3).map((t) => testEvidence(t, 'a consumer test that could grow this scenario'))
      : definitions;

  // The matrix, cell by cell.
  for (const row of model.matrix) {
    for (const layer of LAYERS) {
      const cell = row.cells[layer];
      if (cell.state === 'covered') continue;
      const rule = CELL_RULES[layer];
      const layerName = layer === 'e2e' ? 'end-to-end' : layer;
      findings.push(
        finding(rule, {
          severity: cell.state === 'missing' ? 'warning' : 'note',
          message:
            cell.state === 'missing'
              ? `${row.eventType} has no ${layerName} test`
              : `${row.eventType} has ${layerName} tests, but only partial ones: ${cell.evidence[0]?.note ?? 'no assertion on it'}`,
          eventType: row.eventType,
          layer,
          evidence: [
            ...cell.evidence,
            ...row.definedAt.slice(0, 1).map((l) => at(l, `${row.eventType} is defined here`)),
          ].slice(0, MAX_EVIDENCE),
        }),
      );
    }
  }

  // The seed's gaps, repository-wide.
  const hasOrdering = has('ordering') || has('out-of-order');
  for (const rule of GAP_RULES) {
    if (rule.scenarios === 'e2e') {
      if (e2eTests.length > 0) continue;
      const mocks = model.brokerUses.filter((b) => b.kind === 'mocked').slice(0, MAX_EVIDENCE);
      findings.push(
        finding(rule, {
          message: `No test of the ${model.events.length} event types runs against a real or containerized broker`,
          evidence: mocks.length > 0 ? mocks.map((m) => at(m, m.note)) : definitions,
        }),
      );
      continue;
    }
    if (rule.id === 'EP-GAP-OUT-OF-ORDER' && (!hasOrdering || has('out-of-order'))) continue;
    if (rule.scenarios.some(has)) continue;
    findings.push(finding(rule, { message: rule.description, evidence: whereToAdd }));
  }

  // The seed's pitfalls: patterns in the code and its tests.
  const risky: Scenario[] = ['partial-failure', 'poison', 'timeouts', 'idempotency'];
  if (model.tests.length > 0 && !model.tests.some((t) => t.scenarios.some((s) => risky.includes(s)))) {
    const eventTests = model.tests.filter((t) => t.touches.size > 0);
    findings.push(
      finding(PITFALL_RULES.happyPath, {
        message: `All ${eventTests.length || model.tests.length} event tests take the happy path: none fails a dependency, times out or sends a duplicate`,
        evidence: (eventTests.length > 0 ? eventTests : model.tests)
          .slice(0, MAX_EVIDENCE)
          .map((t) => testEvidence(t, 'happy path only')),
      }),
    );
  }
  const mocked = model.brokerUses.filter((b) => b.kind === 'mocked');
  if (mocked.length > 0 && e2eTests.length === 0) {
    findings.push(
      finding(PITFALL_RULES.mockedBroker, {
        message: `${mocked.length} place${mocked.length === 1 ? '' : 's'} in the tests replace the broker, and no test runs against a real one`,
        evidence: mocked.slice(0, MAX_EVIDENCE).map((m) => at(m, m.note)),
      }),
    );
  }
  if (!hasOrdering) {
    const entities = new Map<string, (typeof model.events)[number][]>();
    for (const event of model.events) {
      const entity = eventKey(words(event.name)[0] ?? event.name);
      const group = entities.get(entity);
      if (group) group.push(event);
      else entities.set(entity, [event]);
    }
    const shared = [...entities.values()].filter((group) => group.length >= 2).flat();
    if (shared.length > 0) {
      findings.push(
        finding(PITFALL_RULES.ignoringOrdering, {
          message: `${shared
            .map((e) => e.name)
            .slice(0, 6)
            .join(', ')} change the same entities, and no test delivers them in a specific order`,
          evidence: shared
            .slice(0, MAX_EVIDENCE)
            .map((e) => at(e.definedAt[0]!, `${e.name} is defined here`)),
        }),
      );
    }
  }
  const subscribeSites = model.sites.filter((s) => s.role === 'subscribe');
  if (!has('poison') && (consumerTests.length > 0 || subscribeSites.length > 0)) {
    findings.push(
      finding(PITFALL_RULES.noDlq, {
        message: 'Events are consumed, and no test sends a malformed message to the dead-letter queue',
        evidence: [
          ...subscribeSites.slice(0, 3).map((s) => at(s, `${s.client} consumes '${s.channel}' here`)),
          ...consumerTests
            .slice(0, 3)
            .map((t) => testEvidence(t, 'a consumer test without a poison message')),
        ].slice(0, MAX_EVIDENCE),
      }),
    );
  }

  // Sorted by severity (highest first), kind, rule id, then event type, the texts in `compareText`
  // order. Each finding's place in that order is one number, computed once; the stable sort of
  // those numbers gives the same order as comparing field by field, without a comparison of texts
  // per step (thousands of findings in large repositories).
  const texts = new Set<string>();
  for (const f of findings) {
    texts.add(f.ruleId);
    texts.add(f.eventType ?? '');
  }
  const rank = textRanks(texts);
  const span = rank.size + 1;
  const keyOf = (f: Finding) =>
    (((3 - SEVERITY_RANK[f.severity]) * 3 + KIND_ORDER[f.kind]) * span + rank.get(f.ruleId)!) * span +
    rank.get(f.eventType ?? '')!;
  const keyed = findings.map((finding) => ({ finding, key: keyOf(finding) }));
  keyed.sort((a, b) => a.key - b.key);
  return keyed.map((k) => k.finding);
}
