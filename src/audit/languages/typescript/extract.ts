import type * as TS from 'typescript';
import type {
  BrokerUse,
  ChannelRef,
  ChannelSiteFact,
  EventDeclarationFact,
  EventSource,
  FileFacts,
  LayerSignalFact,
  ScenarioSignalFact,
  TableFact,
  TableRefFact,
  TestCaseFact,
  TestFramework,
} from '../../model.js';
import { eventDisplayName, marksEvent, words } from '../../names.js';
import {
  APP_PUBLISH,
  BROKER_CLIENT_MODULES,
  BROKER_MOCK_MODULES,
  BROKERS,
  callNamed,
  PROBE_MODULES,
  isContainerModule,
  type BrokerSpec,
  type CallSpec,
  type ChannelArgument,
} from './brokers.js';
import { FRAMEWORK_MODULES, GROUP_FUNCTIONS, NOT_RUN, TEST_FOLDER, TEST_FUNCTIONS } from './frameworks.js';
import { scriptKindOf, sourceFileOptions, type TypeScriptApi } from './parser.js';
import {
  ASSERT_ROOTS,
  AVA_ASSERTIONS,
  CALLS,
  IDENTIFIERS,
  PROPERTIES,
  PUBLISH_METHODS,
  STRINGS,
  TITLE_E2E,
  TITLE_SCENARIOS,
} from './signals.js';

type Node = TS.Node;

/** Property names that carry an event's type in a payload or a type. */
const DISCRIMINANTS = new Set([
  'type',
  'eventType',
  'messageType',
  'event',
  'eventName',
  'event_type',
  'message_type',
]);
const SCHEMA_MODULES: Readonly<Record<string, EventSource>> = {
  zod: 'zod',
  'zod/v4': 'zod',
  'zod/v3': 'zod',
  'zod/mini': 'zod',
  valibot: 'valibot',
  '@sinclair/typebox': 'typebox',
  typebox: 'typebox',
};
const SCHEMA_OBJECT_CALLS = new Set(['object', 'strictObject', 'looseObject', 'passthrough', 'Object']);
const CONSUMER_CALLS = new Set([
  'handle',
  'handleEvent',
  'handleMessage',
  'onMessage',
  'onEvent',
  'processMessage',
  'processEvent',
  'eachMessage',
  'receive',
  'consume',
]);
const MOCK_CALLS = new Set(['mock', 'doMock', 'unstable_mockModule']);
/** `x.parse()` validates, except on these. */
const NOT_VALIDATORS = new Set(['JSON', 'Date', 'path', 'url', 'URL', 'qs', 'yaml', 'YAML']);
/** Property names, then identifiers, that reveal a scenario: one lookup per identifier a test reads. */
const NAMED_SCENARIOS: ReadonlyMap<string, ScenarioSignalFact['scenario']> = new Map([
  ...IDENTIFIERS,
  ...PROPERTIES,
]);
const FN_DOUBLES = /^(vi|jest)\.fn$|^sinon\.(stub|spy|fake)$|^(stub|spy|fake|mock\.fn)$/;
const MAX_REFS = 2000;

/**
 * Names kept in the facts of every file (`id`, `topic`, `JSON`…) are mostly the same strings, but
 * each file's parse made its own copies. Keeping one copy of each lets the others die young: with
 * thousands of files, copying the kept ones between garbage collections was most of the audit's
 * GC time. Bounded like the event-key cache.
 */
const interned = new Map<string, string>();
function intern(value: string): string {
  const kept = interned.get(value);
  if (kept !== undefined) return kept;
  if (interned.size >= 100_000) interned.clear();
  interned.set(value, value);
  return value;
}
function internAll(values: Iterable<string>): string[] {
  const out: string[] = [];
  for (const value of values) out.push(intern(value));
  return out;
}

/**
 * `identifier.text`, read without its getter's two calls: the walk reads every identifier.
 * TypeScript stores a name starting with `__` with one more `_` (`unescapeLeadingUnderscores`).
 */
function idText(identifier: TS.Identifier | TS.PrivateIdentifier): string {
  const escaped = identifier.escapedText as string;
  return escaped.charCodeAt(0) === 95 && escaped.charCodeAt(1) === 95 && escaped.charCodeAt(2) === 95
    ? escaped.slice(1)
    : escaped;
}

/**
 * Where each line of `text` starts, when `\n` is its only line break; null when it holds a `\r`,
 * U+2028 or U+2029, which TypeScript's line map (`getLineAndCharacterOfPosition`) counts too. The
 * same starts as that map, found by `indexOf` rather than a loop over every character.
 */
function newlineStarts(text: string): number[] | null {
  if (text.includes('\r') || text.includes('\u2028') || text.includes('\u2029')) return null;
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 1-based line of `position`: the last line starting at or before it. */
function lineAt(starts: readonly number[], position: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= position) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/** An event name read from a literal: two words at least (`OrderCreated`, `order.created`), not `submit`. */
const looksLikeEventName = (value: string): boolean =>
  value.length <= 120 && /^[A-Za-z][\w.:/-]*$/.test(value) && words(value).length >= 2;

/** What one test (or helper, or table row) touches and does, before it becomes a TestCaseFact. */
class Collector {
  readonly identifiers = new Set<string>();
  readonly strings = new Set<string>();
  readonly layers: LayerSignalFact[] = [];
  readonly scenarios: ScenarioSignalFact[] = [];
  readonly consumerCalls = new Map<string, number>();
  assertions = 0;
  publishAssertion = false;
  encode?: number;
  decode?: number;
  jsonStringify?: number;
  jsonParse?: number;
}

/** What the walk does with a node, by its kind (see `kindTable`). */
const enum Role {
  None = 0,
  Identifier = 1,
  String = 2,
  Call = 3,
  New = 4,
  Decorator = 5,
  Declaration = 6,
  TypeReference = 7,
  VariableDeclaration = 8,
  PropertyAssignment = 9,
  /** A token other than those above (keyword, punctuation, number): no children, nothing to read. */
  Token = 10,
  /** Added to the role: `ts.isFunctionLike`. */
  FunctionLike = 16,
}

/**
 * The walk's dispatch by kind, as a table: a `switch` on `ts.SyntaxKind.X` compares the kind with
 * each case's property in turn, for every node. Built once per copy of the parser (the audited
 * project's may differ); `ts.isFunctionLike` only reads the kind, so it is asked once per kind.
 */
const kindTables = new WeakMap<TypeScriptApi, Uint8Array>();
function kindTable(ts: TypeScriptApi): Uint8Array {
  let table = kindTables.get(ts);
  if (!table) {
    const SK = ts.SyntaxKind;
    const count = (SK as unknown as { Count?: number }).Count ?? 1024;
    table = new Uint8Array(Math.max(count, 1024));
    for (let kind = 0; kind < table.length; kind++)
      table[kind] = ts.isFunctionLike({ kind } as unknown as Node) ? Role.FunctionLike : Role.None;
    const roles: [TS.SyntaxKind, Role][] = [
      [SK.Identifier, Role.Identifier],
      [SK.StringLiteral, Role.String],
      [SK.NoSubstitutionTemplateLiteral, Role.String],
      [SK.CallExpression, Role.Call],
      [SK.NewExpression, Role.New],
      [SK.Decorator, Role.Decorator],
      [SK.ClassDeclaration, Role.Declaration],
      [SK.InterfaceDeclaration, Role.Declaration],
      [SK.TypeAliasDeclaration, Role.Declaration],
      [SK.TypeReference, Role.TypeReference],
      [SK.VariableDeclaration, Role.VariableDeclaration],
      [SK.PropertyAssignment, Role.PropertyAssignment],
    ];
    // Tokens (keywords, punctuation, numbers; never function-like, so 0 so far) have no children:
    // the walk stops there.
    const lastToken: number = SK.LastToken;
    for (let kind = 0; kind <= lastToken; kind++) if (table[kind] === 0) table[kind] = Role.Token;
    for (const [kind, role] of roles) table[kind] = (table[kind]! & Role.FunctionLike) | role;
    kindTables.set(ts, table);
  }
  return table;
}

/** A function being visited: its identifiers and strings are `refLog[start, end)`. */
interface Scope {
  readonly start: number;
  end: number;
  distinct?: string[];
}

interface ImportBinding {
  readonly module: string;
  readonly imported: string;
}

/** Reads one TypeScript / JavaScript file into facts. Never throws on bad syntax: it reads what parsed. */
export function extractFacts(ts: TypeScriptApi, file: string, text: string, testByPath: boolean): FileFacts {
  const sf = ts.createSourceFile(file, text, sourceFileOptions(ts), false, scriptKindOf(ts, file));
  const SK = ts.SyntaxKind;
  const kinds = kindTable(ts);
  const warnings: string[] = [];
  const syntaxErrors =
    (sf as unknown as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (syntaxErrors.length > 0) {
    const first = syntaxErrors[0]!;
    const line = first.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(first.start).line + 1;
    const message = ts.flattenDiagnosticMessageText(first.messageText, ' ');
    warnings.push(
      `${syntaxErrors.length} syntax error${syntaxErrors.length > 1 ? 's' : ''} (first at line ${line}: ${message}); read what parsed`,
    );
  }

  let lineStarts: readonly number[] | null | undefined;
  const lineOf = (node: Node): number => {
    const start = node.getStart(sf);
    if (lineStarts === undefined) lineStarts = newlineStarts(text);
    return lineStarts ? lineAt(lineStarts, start) : sf.getLineAndCharacterOfPosition(start).line + 1;
  };
  const textOf = (node: Node): string => text.slice(node.getStart(sf), node.end);

  // --- imports first: they decide which calls mean what
  const bindings = new Map<string, ImportBinding>();
  const imports: string[] = [];
  const valueImports = new Set<string>();
  // The statement, not its line: lines are only needed for broker use in test folders.
  const importStatements = new Map<string, Node>();
  const addImport = (module: string, statement: Node, typeOnly: boolean) => {
    imports.push(module);
    if (!typeOnly) valueImports.add(module);
    if (!importStatements.has(module)) importStatements.set(module, statement);
  };
  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const module = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      addImport(module, statement, clause?.isTypeOnly === true);
      if (clause?.name) bindings.set(clause.name.text, { module, imported: 'default' });
      const named = clause?.namedBindings;
      if (named && ts.isNamespaceImport(named)) bindings.set(named.name.text, { module, imported: '*' });
      if (named && ts.isNamedImports(named)) {
        for (const element of named.elements)
          bindings.set(element.name.text, { module, imported: (element.propertyName ?? element.name).text });
      }
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      addImport(statement.moduleSpecifier.text, statement, statement.isTypeOnly);
    }
  }

  const isTestFile = testByPath;
  // Helpers (functions and constants a test calls) only matter where tests or test tables live.
  const needsHelpers =
    isTestFile ||
    TEST_FOLDER.test(file) ||
    imports.some(
      (m) =>
        FRAMEWORK_MODULES.has(m) ||
        m === 'eventproof' ||
        m.startsWith('eventproof/') ||
        m === 'assert' ||
        m.startsWith('node:assert') ||
        m === 'chai',
    );
  const inTestFolder = isTestFile || TEST_FOLDER.test(file);
  const active: BrokerSpec[] = BROKERS.filter((b) => b.modules.some((m) => valueImports.has(m)));
  const specs: readonly BrokerSpec[] = active.length > 0 ? active : [APP_PUBLISH];

  const events: EventDeclarationFact[] = [];
  const channels: (ChannelSiteFact & { scope?: Scope })[] = [];
  const tests: { collector: Collector; title: string; line: number }[] = [];
  const tables: {
    name: string;
    rows: { collector: Collector; title: string; line: number; fields: Record<string, string> }[];
  }[] = [];
  const tableRefs: TableRefFact[] = [];
  const helpers = new Map<string, Collector>();
  const constants: Record<string, string> = {};
  const broker: BrokerUse[] = [];
  const mockedModules = new Set<string>();
  let framework: TestFramework | undefined;
  for (const module of imports) framework ??= FRAMEWORK_MODULES.get(module);
  let usesTestCalls = false;
  let jestGlobal = false;

  const addEvent = (name: string, source: EventSource, node: Node, identifier?: string, channel?: string) => {
    events.push({
      name,
      source,
      file,
      line: lineOf(node),
      ...(identifier && identifier !== name ? { identifier } : {}),
      ...(channel ? { channel } : {}),
    });
  };

  // --- the walk
  let collector: Collector | undefined;
  let declName: string | undefined;
  const describeStack: string[] = [];
  let notRunDepth = 0;
  // The functions around the node being visited. Outside test files (where channel sites are read),
  // every identifier and string inside a function is logged in visiting order, so the references
  // of a function around a publish call are a slice of the log instead of a second walk. (Walking
  // the function again only where it holds a channel site was measured: no better on this
  // repository, and 5-6 % more CPU than the log on the benchmark's generated one, where every
  // service publishes.)
  const scopeStack: Scope[] = [];
  const logRefs = !isTestFile;
  const refLog: string[] = [];
  const logNode = (n: Node): void => {
    const kind = n.kind;
    if (kind === SK.Identifier || kind === SK.StringLiteral || kind === SK.NoSubstitutionTemplateLiteral)
      refLog.push((n as TS.Identifier).text);
    ts.forEachChild(n, logNode);
  };
  /** The identifiers and strings in `node`, in tree order, at most MAX_REFS. */
  const refsOf = (node: Node): string[] => {
    const out: string[] = [];
    const collect = (n: Node): void => {
      if (out.length >= MAX_REFS) return;
      const kind = n.kind;
      if (kind === SK.Identifier || kind === SK.StringLiteral || kind === SK.NoSubstitutionTemplateLiteral)
        out.push((n as TS.Identifier).text);
      ts.forEachChild(n, collect);
    };
    collect(node);
    return out;
  };

  /** `a.b().c` → `['a', 'b', '()', 'c']`: the callee's segments, outermost first. */
  const calleeParts = (expression: TS.Expression): string[] => {
    // Counted first, then filled from the end: no growing and no reverse, for every call.
    let length = 1;
    for (let current: TS.Expression = expression; ; length++) {
      const kind = current.kind;
      if (kind === SK.PropertyAccessExpression) current = (current as TS.PropertyAccessExpression).expression;
      else if (
        kind === SK.CallExpression ||
        kind === SK.NonNullExpression ||
        kind === SK.ParenthesizedExpression ||
        kind === SK.AwaitExpression
      )
        current = (current as TS.CallExpression).expression;
      else break;
    }
    const parts = new Array<string>(length);
    let current: TS.Expression = expression;
    for (let i = length - 1; i > 0; i--) {
      if (current.kind === SK.PropertyAccessExpression) {
        parts[i] = idText((current as TS.PropertyAccessExpression).name);
        current = (current as TS.PropertyAccessExpression).expression;
      } else {
        parts[i] = '()';
        current = (current as TS.CallExpression).expression;
      }
    }
    const kind = current.kind;
    parts[0] =
      kind === SK.Identifier ? idText(current as TS.Identifier) : kind === SK.ThisKeyword ? 'this' : '?';
    return parts;
  };

  const titleOf = (argument: TS.Expression | undefined): string => {
    if (!argument) return '<untitled>';
    if (ts.isStringLiteral(argument) || ts.isNoSubstitutionTemplateLiteral(argument)) return argument.text;
    if (ts.isTemplateExpression(argument)) return textOf(argument).slice(1, -1);
    if (ts.isFunctionLike(argument)) return '<untitled>';
    return textOf(argument).slice(0, 80);
  };

  /**
   * `it(...)`, `test.only(...)`, `describe.each(rows)('$title', fn)`, ava's `test.serial(...)`.
   * `calleeParts(call.expression)` is passed in: the caller needs it too.
   */
  const testCall = (call: TS.CallExpression, plainParts: string[]) => {
    let callee = call.expression;
    let each: TS.NodeArray<TS.Expression> | undefined;
    let parts = plainParts;
    if (ts.isCallExpression(callee)) {
      const inner = callee.expression;
      if (!ts.isPropertyAccessExpression(inner) || (inner.name.text !== 'each' && inner.name.text !== 'for'))
        return undefined;
      each = callee.arguments;
      callee = inner.expression;
      if (ts.isTaggedTemplateExpression(callee)) return undefined;
      parts = calleeParts(callee);
    } else if (ts.isTaggedTemplateExpression(callee)) return undefined;
    const root = parts[0]!;
    const kind = TEST_FUNCTIONS.has(root) ? 'test' : GROUP_FUNCTIONS.has(root) ? 'group' : undefined;
    if (!kind || parts.includes('()') || parts.includes('?')) return undefined;
    if (parts.length === 1 && !call.arguments.some((a) => ts.isFunctionLike(a))) return undefined;
    const binding = bindings.get(root);
    if (binding && !FRAMEWORK_MODULES.has(binding.module)) return undefined;
    return { kind, notRun: parts.some((p) => NOT_RUN.has(p)), title: titleOf(call.arguments[0]), each };
  };

  const signal = (
    c: Collector,
    node: Node,
    meaning: {
      layer?: LayerSignalFact['layer'];
      strength?: 'full' | 'partial';
      scenario?: ScenarioSignalFact['scenario'];
    },
    note: string,
  ) => {
    const line = lineOf(node);
    if (meaning.layer)
      c.layers.push({ layer: meaning.layer, strength: meaning.strength ?? 'partial', line, note });
    if (meaning.scenario) c.scenarios.push({ scenario: meaning.scenario, line, note });
  };

  const onCallInCollector = (c: Collector, call: TS.CallExpression, parts: string[]) => {
    const name = parts[parts.length - 1]!;
    const root = parts[0]!;
    // `expect(x)` alone is not an assertion; `expect(x).toBe(y)` is, and counts once.
    if (
      root === 'expect'
        ? parts.length > 2 && parts[1] === '()'
        : ASSERT_ROOTS.has(root) ||
          name.startsWith('assert') ||
          (parts.length === 2 && root === 't' && AVA_ASSERTIONS.has(name))
    ) {
      c.assertions++;
    }
    if (
      name.startsWith('toHaveBeenCalled') ||
      name.startsWith('toBeCalled') ||
      name === 'calledWith' ||
      name === 'calledOnce' ||
      name === 'calledOnceWith'
    ) {
      const subject = ts.isPropertyAccessExpression(call.expression)
        ? firstExpectArgument(call.expression.expression)
        : undefined;
      if (subject && PUBLISH_METHODS.test(textOf(subject))) {
        c.publishAssertion = true;
        signal(
          c,
          call,
          { layer: 'producer', strength: 'full' },
          `asserts ${textOf(subject).slice(0, 60)} was called`,
        );
      }
    }
    if (name === 'commandCalls' || name === 'toHaveReceivedCommand' || name === 'toHaveReceivedCommandWith') {
      signal(
        c,
        call,
        { layer: 'producer', strength: 'full' },
        `asserts the mocked AWS client received ${name === 'commandCalls' ? 'a command' : 'the command'}`,
      );
    }
    if (root === 'JSON' && name === 'stringify') c.jsonStringify ??= lineOf(call);
    else if (root === 'JSON' && name === 'parse') c.jsonParse ??= lineOf(call);
    else if (name === 'parse' && parts.length >= 2 && !NOT_VALIDATORS.has(root)) {
      signal(
        c,
        call,
        { layer: 'serialization', strength: 'partial' },
        `validates with ${parts.slice(-2).join('.')}()`,
      );
    } else if (name === 'validate' && parts.length >= 2) {
      signal(
        c,
        call,
        { layer: 'serialization', strength: 'partial' },
        `validates with ${parts.slice(-2).join('.')}()`,
      );
    }
    const meaning = CALLS.get(name);
    if (meaning) {
      if (meaning.asserts) c.assertions++;
      if (meaning.direction === 'encode') c.encode ??= lineOf(call);
      if (meaning.direction === 'decode') c.decode ??= lineOf(call);
      if (meaning.layer || meaning.scenario) signal(c, call, meaning, `calls ${name}()`);
      if (CONSUMER_CALLS.has(name) && call.arguments.length > 0) {
        const key = textOf(call);
        const seen = (c.consumerCalls.get(key) ?? 0) + 1;
        c.consumerCalls.set(key, seen);
        if (seen === 2)
          signal(
            c,
            call,
            { scenario: 'idempotency' },
            `delivers the same message twice: ${key.slice(0, 60)}`,
          );
      }
    }
  };

  const firstExpectArgument = (expression: TS.Expression): TS.Expression | undefined => {
    let current: TS.Expression = expression;
    while (ts.isPropertyAccessExpression(current)) current = current.expression;
    if (
      ts.isCallExpression(current) &&
      ts.isIdentifier(current.expression) &&
      current.expression.text === 'expect'
    )
      return current.arguments[0];
    return undefined;
  };

  const onFileLevelCall = (call: TS.CallExpression, parts: string[]) => {
    const name = parts[parts.length - 1]!;
    if (
      MOCK_CALLS.has(name) &&
      (parts[0] === 'vi' || parts[0] === 'jest' || parts[0] === 'mock') &&
      call.arguments[0] &&
      ts.isStringLiteral(call.arguments[0])
    ) {
      const module = call.arguments[0].text;
      if (BROKER_CLIENT_MODULES.has(module)) {
        mockedModules.add(module);
        broker.push({
          kind: 'mocked',
          line: lineOf(call),
          note: `${parts.join('.')}('${module}') replaces the broker client`,
        });
      }
    }
    if (name === 'mockClient' && call.arguments[0])
      broker.push({
        kind: 'mocked',
        line: lineOf(call),
        note: `mockClient(${textOf(call.arguments[0])}) replaces the AWS client`,
      });
    if (name === 'recordingPublisher' || name === 'consumerHarness')
      broker.push({
        kind: 'mocked',
        line: lineOf(call),
        note: `${name}() stands in for the broker, in memory`,
      });
    if (parts[0] === 'jest') jestGlobal = true;
  };

  const resolveSchemaCall = (
    initializer: TS.Expression,
  ): { call: TS.CallExpression; source: EventSource } | undefined => {
    let current: TS.Expression = initializer;
    while (
      ts.isCallExpression(current) &&
      ts.isPropertyAccessExpression(current.expression) &&
      ts.isCallExpression(current.expression.expression)
    ) {
      current = current.expression.expression;
    }
    if (!ts.isCallExpression(current)) return undefined;
    const callee = current.expression;
    let binding: ImportBinding | undefined;
    let method: string | undefined;
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      binding = bindings.get(callee.expression.text);
      method = callee.name.text;
    } else if (ts.isIdentifier(callee)) {
      binding = bindings.get(callee.text);
      method = binding?.imported;
    }
    const source =
      binding && Object.hasOwn(SCHEMA_MODULES, binding.module) ? SCHEMA_MODULES[binding.module] : undefined;
    if (!source || !method || !SCHEMA_OBJECT_CALLS.has(method)) return undefined;
    return { call: current, source };
  };

  /** `type: z.literal('OrderCreated')`, `type: Type.Literal('X')`, `type: typed('X')`: the one string in a discriminant. */
  const discriminantOfObject = (object: TS.ObjectLiteralExpression): string | undefined => {
    for (const property of object.properties) {
      if (
        !ts.isPropertyAssignment(property) ||
        !property.name ||
        !DISCRIMINANTS.has(propertyName(property.name) ?? '')
      )
        continue;
      const found: string[] = [];
      const find = (node: Node) => {
        if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push(node.text);
        else ts.forEachChild(node, find);
      };
      find(property.initializer);
      if (found.length === 1 && looksLikeEventName(found[0]!)) return found[0];
    }
    return undefined;
  };

  const propertyName = (name: TS.PropertyName): string | undefined =>
    ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) ? name.text : undefined;

  const typeDiscriminants = (node: Node, found: { value: string; node: Node }[]) => {
    if (ts.isPropertySignature(node) || ts.isPropertyDeclaration(node)) {
      const name = node.name && propertyName(node.name);
      if (name && DISCRIMINANTS.has(name)) {
        const type = node.type;
        if (
          type &&
          ts.isLiteralTypeNode(type) &&
          ts.isStringLiteral(type.literal) &&
          looksLikeEventName(type.literal.text)
        )
          found.push({ value: type.literal.text, node });
        const init = ts.isPropertyDeclaration(node) ? node.initializer : undefined;
        if (
          init &&
          (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init)) &&
          looksLikeEventName(init.text)
        )
          found.push({ value: init.text, node });
      }
      return;
    }
    if (
      ts.isTypeLiteralNode(node) ||
      ts.isUnionTypeNode(node) ||
      ts.isIntersectionTypeNode(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isClassLike(node) ||
      ts.isParenthesizedTypeNode(node)
    ) {
      ts.forEachChild(node, (child) => typeDiscriminants(child, found));
    }
  };

  const onDeclaration = (node: TS.ClassDeclaration | TS.InterfaceDeclaration | TS.TypeAliasDeclaration) => {
    const name = node.name?.text;
    if (!name) return;
    const found: { value: string; node: Node }[] = [];
    if (ts.isTypeAliasDeclaration(node)) typeDiscriminants(node.type, found);
    else typeDiscriminants(node, found);
    const source: EventSource = ts.isClassDeclaration(node)
      ? 'class'
      : ts.isInterfaceDeclaration(node)
        ? 'interface'
        : 'type';
    if (found.length > 0) {
      for (const d of found) addEvent(d.value, 'discriminant', d.node, found.length === 1 ? name : undefined);
    } else if (
      marksEvent(name) &&
      !isTestFile &&
      !(
        ts.isTypeAliasDeclaration(node) &&
        (ts.isUnionTypeNode(node.type) || ts.isTypeReferenceNode(node.type))
      )
    ) {
      // A union of events (`type ShopEvent = OrderCreated | …`) is a group, not an event.
      addEvent(eventDisplayName(name), source, node, name);
    }
  };

  const literalChannels = (expression: TS.Expression | undefined, out: ChannelRef[]) => {
    if (!expression) return;
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) {
      if (expression.text) out.push({ literal: expression.text });
    } else if (ts.isIdentifier(expression)) {
      const binding = bindings.get(expression.text);
      out.push(
        binding
          ? { identifier: expression.text, module: binding.module, imported: binding.imported }
          : { identifier: expression.text },
      );
    } else if (ts.isArrayLiteralExpression(expression)) {
      for (const element of expression.elements) literalChannels(element, out);
    } else if (
      ts.isAsExpression(expression) ||
      ts.isParenthesizedExpression(expression) ||
      ts.isSatisfiesExpression(expression)
    ) {
      literalChannels(expression.expression, out);
    }
  };

  const objectProperty = (expression: TS.Expression | undefined, name: string): TS.Expression | undefined => {
    if (!expression || !ts.isObjectLiteralExpression(expression)) return undefined;
    for (const property of expression.properties) {
      if (ts.isPropertyAssignment(property) && propertyName(property.name) === name)
        return property.initializer;
      if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
    }
    return undefined;
  };

  const channelsOf = (how: readonly ChannelArgument[], args: readonly TS.Expression[]): ChannelRef[] => {
    const out: ChannelRef[] = [];
    for (const spec of how) {
      if ('arg' in spec) literalChannels(args[spec.arg], out);
      else if ('routing' in spec) {
        const key = args[1];
        if (key && (ts.isStringLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key)) && key.text === '')
          literalChannels(args[0], out);
        else literalChannels(key ?? args[0], out);
      } else if ('after' in spec) {
        const index = args.findIndex((a) => ts.isStringLiteral(a) && a.text.toUpperCase() === spec.after);
        if (index >= 0) literalChannels(args[index + 1], out);
      } else if ('each' in spec) {
        const list = objectProperty(args[0], spec.each);
        if (list && ts.isArrayLiteralExpression(list))
          for (const element of list.elements) literalChannels(objectProperty(element, spec.prop), out);
      } else literalChannels(objectProperty(args[0], spec.prop), out);
      if (out.length > 0) break;
    }
    return out;
  };

  const onChannelSite = (spec: BrokerSpec, call: CallSpec, node: Node, args: readonly TS.Expression[]) => {
    const refs = channelsOf(call.channel, args).filter(
      (r) => !('literal' in r) || !spec.reserved?.includes(r.literal),
    );
    const scope = scopeStack[scopeStack.length - 1];
    if (refs.length > 0) {
      const line = lineOf(node);
      const payloadRefs = args.flatMap(refsOf);
      for (const channel of refs) {
        channels.push({
          channel,
          role: call.role,
          client: spec.client,
          file,
          line,
          payloadRefs,
          ...(scope ? { scope } : {}),
        });
      }
    }
    // `{ type: 'OrderCreated' }` in what is published names an event even without a schema.
    if (call.role === 'publish') {
      const visitPayload = (n: Node) => {
        if (ts.isObjectLiteralExpression(n)) {
          const value = discriminantOfObject(n);
          const first = refs[0];
          if (value)
            addEvent(
              value,
              'discriminant',
              n,
              undefined,
              first && 'literal' in first ? first.literal : undefined,
            );
        }
        ts.forEachChild(n, visitPayload);
      };
      for (const arg of args) visitPayload(arg);
    }
  };

  const onBrokerCall = (node: TS.CallExpression | TS.NewExpression) => {
    const args = node.arguments ?? [];
    if (ts.isNewExpression(node)) {
      if (!ts.isIdentifier(node.expression)) return;
      for (const spec of specs) {
        const call = callNamed(spec, node.expression.text);
        if (call?.construct) return onChannelSite(spec, call, node, args);
      }
      return;
    }
    if (!ts.isPropertyAccessExpression(node.expression)) return;
    const method = node.expression.name.text;
    for (const spec of specs) {
      const call = callNamed(spec, method);
      if (call && !call.construct && !call.decorator) {
        if (spec === APP_PUBLISH && args.length < 2) return;
        return onChannelSite(spec, call, node, args);
      }
    }
  };

  const onDecorator = (decorator: TS.Decorator) => {
    const expression = decorator.expression;
    if (!ts.isCallExpression(expression) || !ts.isIdentifier(expression.expression)) return;
    for (const spec of specs) {
      const call = callNamed(spec, expression.expression.text);
      if (call?.decorator) return onChannelSite(spec, call, decorator, expression.arguments);
    }
  };

  /** An exported array of `{ title: '…', run() {…} }`: rows of a table-driven test elsewhere. */
  const tableRows = (initializer: TS.Expression): TS.ObjectLiteralExpression[] | undefined => {
    let current = initializer;
    while (
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isParenthesizedExpression(current)
    )
      current = current.expression;
    if (!ts.isArrayLiteralExpression(current) || current.elements.length === 0) return undefined;
    const rows = current.elements.filter(ts.isObjectLiteralExpression);
    if (rows.length !== current.elements.length) return undefined;
    const isRow = (row: TS.ObjectLiteralExpression) => {
      let titled = false;
      let runs = false;
      for (const p of row.properties) {
        const name = p.name && propertyName(p.name);
        if (
          ts.isPropertyAssignment(p) &&
          (name === 'title' || name === 'name' || name === 'description') &&
          (ts.isStringLiteral(p.initializer) || ts.isNoSubstitutionTemplateLiteral(p.initializer))
        )
          titled = true;
        if (
          ts.isMethodDeclaration(p) ||
          (ts.isPropertyAssignment(p) &&
            (ts.isArrowFunction(p.initializer) || ts.isFunctionExpression(p.initializer)))
        )
          runs = true;
      }
      return titled && runs;
    };
    return rows.every(isRow) ? rows : undefined;
  };

  const visitWith = (c: Collector | undefined, node: Node) => {
    const saved = collector;
    collector = c;
    visit(node);
    collector = saved;
  };

  const visit = (node: Node): void => {
    const c = collector;
    const role = kinds[node.kind]!;
    switch ((role & ~Role.FunctionLike) as Role) {
      case Role.Token:
        return;
      case Role.Identifier: {
        const name = idText(node as TS.Identifier);
        if (logRefs && scopeStack.length > 0) refLog.push(name);
        if (c) {
          if (c.identifiers.size < MAX_REFS) c.identifiers.add(name);
          const scenario = NAMED_SCENARIOS.get(name);
          if (scenario) signal(c, node, { scenario }, `uses ${name}`);
        }
        return;
      }
      case Role.String: {
        const value = (node as TS.StringLiteral).text;
        if (logRefs && scopeStack.length > 0) refLog.push(value);
        if (c && value.length <= 200) {
          if (c.strings.size < MAX_REFS) c.strings.add(value);
          const scenario = value.length < 20 ? STRINGS.get(value.toLowerCase()) : undefined;
          if (scenario) signal(c, node, { scenario }, `uses '${value}'`);
        }
        return;
      }
      case Role.Call: {
        const call = node as TS.CallExpression;
        const parts = calleeParts(call.expression);
        const found = testCall(call, parts);
        if (found) {
          usesTestCalls = true;
          if (logRefs && scopeStack.length > 0) {
            logNode(call.expression);
            call.typeArguments?.forEach(logNode);
          }
          if (found.kind === 'group') {
            const tablesBefore = tableRefs.length;
            if (found.each && found.each.length === 1 && ts.isIdentifier(found.each[0]!)) {
              const id = found.each[0];
              const binding = bindings.get(id.text);
              if (binding && binding.module.startsWith('.') && !found.notRun && notRunDepth === 0) {
                tableRefs.push({
                  identifier: id.text,
                  module: binding.module,
                  imported: binding.imported,
                  file,
                  line: lineOf(call),
                  template: [...describeStack, found.title].join(' › '),
                });
              }
            }
            const table = tableRefs.length > tablesBefore;
            describeStack.push(found.title);
            // The tests inside a table-driven group are templates; the table's rows are the tests.
            if (found.notRun || table) notRunDepth++;
            for (const arg of call.arguments) visitWith(c, arg);
            if (found.notRun || table) notRunDepth--;
            describeStack.pop();
            return;
          }
          const test = new Collector();
          for (const arg of call.arguments) visitWith(test, arg);
          if (!found.notRun && notRunDepth === 0)
            tests.push({
              collector: test,
              title: [...describeStack, found.title].join(' › '),
              line: lineOf(call),
            });
          return;
        }
        const name = parts[parts.length - 1]!;
        if (c) onCallInCollector(c, call, parts);
        onFileLevelCall(call, parts);
        if (
          name === 'defineEvent' &&
          call.arguments[0] &&
          (ts.isStringLiteral(call.arguments[0]) || ts.isNoSubstitutionTemplateLiteral(call.arguments[0]))
        ) {
          addEvent(call.arguments[0].text, 'defineEvent', call, declName);
        }
        if (!isTestFile) onBrokerCall(call);
        break;
      }
      case Role.New:
        if (!isTestFile) onBrokerCall(node as TS.NewExpression);
        break;
      case Role.Decorator:
        if (!isTestFile) onDecorator(node as TS.Decorator);
        break;
      case Role.Declaration:
        onDeclaration(node as TS.ClassDeclaration);
        break;
      case Role.TypeReference: {
        const ref = node as TS.TypeReferenceNode;
        const typeName = ts.isIdentifier(ref.typeName) ? ref.typeName.text : ref.typeName.right.text;
        const first = ref.typeArguments?.[0];
        if (
          /(Event|Message|Envelope)$/.test(typeName) &&
          first &&
          ts.isLiteralTypeNode(first) &&
          ts.isStringLiteral(first.literal) &&
          looksLikeEventName(first.literal.text)
        ) {
          addEvent(first.literal.text, 'generic', ref);
        }
        break;
      }
      case Role.VariableDeclaration: {
        const declaration = node as TS.VariableDeclaration;
        if (ts.isIdentifier(declaration.name) && declaration.initializer) {
          const name = declaration.name.text;
          const schema = resolveSchemaCall(declaration.initializer);
          if (schema) {
            const object = schema.call.arguments[0];
            const discriminant =
              object && ts.isObjectLiteralExpression(object) ? discriminantOfObject(object) : undefined;
            if (discriminant) addEvent(discriminant, schema.source, declaration, name);
            else if (marksEvent(name)) addEvent(eventDisplayName(name), schema.source, declaration, name);
          }
          const saved = declName;
          declName = name;
          ts.forEachChild(node, visit);
          declName = saved;
          return;
        }
        break;
      }
      case Role.PropertyAssignment: {
        const property = node as TS.PropertyAssignment;
        const name = propertyName(property.name);
        if (
          inTestFolder &&
          name &&
          PUBLISH_METHODS.test(name) &&
          ts.isCallExpression(property.initializer) &&
          FN_DOUBLES.test(calleeParts(property.initializer.expression).join('.'))
        ) {
          broker.push({
            kind: 'mocked',
            line: lineOf(property),
            note: `${name}: ${textOf(property.initializer).slice(0, 40)} stands in for the broker`,
          });
        }
        break;
      }
    }
    if (logRefs && role & Role.FunctionLike) {
      const scope: Scope = { start: refLog.length, end: refLog.length };
      scopeStack.push(scope);
      ts.forEachChild(node, visit);
      scope.end = refLog.length;
      scopeStack.pop();
      return;
    }
    ts.forEachChild(node, visit);
  };

  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement)) continue;
    let name: string | undefined;
    if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) name = statement.name?.text;
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
        const init = declaration.initializer;
        if (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init))
          constants[declaration.name.text] = init.text;
        const rows = tableRows(init);
        if (rows) {
          const table = { name: declaration.name.text, rows: [] as (typeof tables)[number]['rows'] };
          for (const row of rows) {
            const fields: Record<string, string> = {};
            for (const p of row.properties) {
              const key = p.name && propertyName(p.name);
              if (
                key &&
                ts.isPropertyAssignment(p) &&
                (ts.isStringLiteral(p.initializer) || ts.isNoSubstitutionTemplateLiteral(p.initializer))
              )
                fields[key] = p.initializer.text;
            }
            const rowCollector = new Collector();
            visitWith(rowCollector, row);
            table.rows.push({
              collector: rowCollector,
              title: fields.title ?? fields.name ?? fields.description ?? '<untitled>',
              line: lineOf(row),
              fields,
            });
          }
          tables.push(table);
          continue;
        }
        const helper = needsHelpers ? new Collector() : undefined;
        if (helper) helpers.set(declaration.name.text, helper);
        declName = declaration.name.text;
        visitWith(helper, declaration);
        declName = undefined;
      }
      continue;
    }
    const helper = name && needsHelpers ? new Collector() : undefined;
    if (name && helper) helpers.set(name, helper);
    visitWith(helper, statement);
  }

  // --- file-level broker use
  if (inTestFolder) {
    for (const module of valueImports) {
      const statement = importStatements.get(module);
      const line = statement ? lineOf(statement) : 1;
      if (isContainerModule(module)) broker.push({ kind: 'containerized', line, note: `imports ${module}` });
      else if (PROBE_MODULES.has(module))
        broker.push({ kind: 'real', line, note: `imports ${module} (a probe on a real broker)` });
      else if (BROKER_MOCK_MODULES.has(module))
        broker.push({ kind: 'mocked', line, note: `imports ${module}` });
      else if (BROKER_CLIENT_MODULES.has(module) && !mockedModules.has(module) && isTestFile)
        broker.push({ kind: 'real', line, note: `imports the ${module} client, unmocked` });
    }
  }
  const fileBroker = strongestBroker(broker);
  if (!framework && (isTestFile || usesTestCalls)) framework = jestGlobal ? 'jest' : 'unknown';

  // --- helpers a test calls lend it what they touch (one file; two levels are plenty in practice)
  const expand = (target: Collector, depth: number, seen: Set<string>) => {
    if (depth === 0 || helpers.size === 0) return;
    for (const id of [...target.identifiers]) {
      const helper = helpers.get(id);
      if (!helper || seen.has(id) || helper === target) continue;
      seen.add(id);
      for (const x of helper.identifiers) target.identifiers.add(x);
      for (const x of helper.strings) target.strings.add(x);
      target.layers.push(...helper.layers);
      target.scenarios.push(...helper.scenarios);
      target.encode ??= helper.encode;
      target.decode ??= helper.decode;
      target.jsonParse ??= helper.jsonParse;
      target.jsonStringify ??= helper.jsonStringify;
      target.assertions += helper.assertions;
      expand(target, depth - 1, seen);
    }
  };

  // The tests of a file share most of their names: one look-up in the shared table per name here.
  const internedHere = new Map<string, string>();
  const internAllHere = (values: Iterable<string>): string[] => {
    const out: string[] = [];
    for (const value of values) {
      let kept = internedHere.get(value);
      if (kept === undefined) internedHere.set(value, (kept = intern(value)));
      out.push(kept);
    }
    return out;
  };

  const finish = (c: Collector, title: string, line: number): TestCaseFact => {
    expand(c, 2, new Set());
    const layers = [...c.layers];
    // Reading the dead-letter queue in a retry test checks nothing went there: not a poison test.
    const retries = c.scenarios.some((s) => s.scenario === 'partial-failure');
    const scenarios = c.scenarios.filter(
      (s) => !(retries && s.scenario === 'poison' && s.note === 'uses deadLetterQueue'),
    );
    const encodeLine = c.encode ?? c.jsonStringify;
    const decodeLine = c.decode ?? c.jsonParse;
    if (encodeLine !== undefined && decodeLine !== undefined)
      layers.push({
        layer: 'serialization',
        strength: 'full',
        line: Math.min(encodeLine, decodeLine),
        note: 'encodes and decodes',
      });
    else if (c.encode !== undefined)
      layers.push({ layer: 'serialization', strength: 'partial', line: c.encode, note: 'encodes only' });
    else if (c.decode !== undefined)
      layers.push({ layer: 'serialization', strength: 'partial', line: c.decode, note: 'decodes only' });
    // Driving a consumer proves nothing unless the test then checks something.
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      if (l.layer === 'consumer' && l.strength === 'full' && c.assertions === 0)
        layers[i] = { ...l, strength: 'partial', note: `${l.note}, asserts nothing` };
    }
    if (fileBroker && fileBroker.kind !== 'mocked')
      layers.push({
        layer: 'e2e',
        strength: c.assertions > 0 ? 'full' : 'partial',
        line: fileBroker.line,
        note: fileBroker.note,
      });
    else if (TITLE_E2E.test(title) && fileBroker?.kind !== 'mocked')
      layers.push({
        layer: 'e2e',
        strength: 'partial',
        line,
        note: 'titled as an integration test, but no real broker was found',
      });
    for (const [scenario, pattern] of TITLE_SCENARIOS) {
      if (pattern.test(title)) scenarios.push({ scenario, line, note: `title: "${title.slice(0, 80)}"` });
    }
    return {
      title,
      file,
      line,
      identifiers: internAllHere(c.identifiers),
      strings: internAllHere(c.strings),
      layers,
      scenarios,
      assertions: c.assertions,
      ...(fileBroker ? { broker: fileBroker } : {}),
    };
  };

  const tableFacts: TableFact[] = tables.map((t) => ({
    name: t.name,
    rows: t.rows.map((r) => ({ ...finish(r.collector, r.title, r.line), fields: r.fields })),
  }));

  // Identifiers in the function around a publish call tell which events go to that channel: the
  // first MAX_REFS of them in tree order, read from the log. Payload references first, then the
  // function's, each once. A function's distinct references are worked out once, however many
  // publish calls it holds.
  const channelFacts: ChannelSiteFact[] = channels.map((site) => {
    const seen = new Set<string>();
    const refs: string[] = [];
    for (const value of site.payloadRefs) {
      if (seen.has(value)) continue;
      seen.add(value);
      refs.push(intern(value));
    }
    const scope = site.scope;
    if (scope) {
      if (!scope.distinct) {
        const distinct = new Set<string>();
        const end = Math.min(scope.end, scope.start + MAX_REFS);
        for (let i = scope.start; i < end; i++) distinct.add(refLog[i]!);
        scope.distinct = internAll(distinct);
      }
      for (const value of scope.distinct) if (!seen.has(value)) refs.push(value);
    }
    return {
      channel: site.channel,
      role: site.role,
      client: site.client,
      file: site.file,
      line: site.line,
      payloadRefs: refs,
    };
  });

  const testFacts = tests.map((t) => finish(t.collector, t.title, t.line));
  return {
    file,
    language: 'typescript',
    isTestFile:
      isTestFile || (testFacts.length > 0 && (inTestFolder || imports.some((m) => FRAMEWORK_MODULES.has(m)))),
    ...(framework ? { framework } : {}),
    imports,
    events,
    channels: channelFacts,
    tests: testFacts,
    tableRefs,
    tables: tableFacts,
    constants,
    broker,
    warnings,
  };
}

function strongestBroker(uses: readonly BrokerUse[]): BrokerUse | undefined {
  return (
    uses.find((u) => u.kind === 'containerized') ??
    uses.find((u) => u.kind === 'real') ??
    uses.find((u) => u.kind === 'mocked')
  );
}
