import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/audit.js';
import type { AuditReport } from '../../src/audit/model.js';
import { FORMATS, render } from '../../src/audit/render/index.js';

// Golden files: UPDATE_GOLDEN=1 npx vitest run test/audit/golden.test.ts rewrites them; review the diff.
const fixtures = resolve(import.meta.dirname, '../fixtures/audit');
const golden = resolve(fixtures, '__golden__');
const extension = {
  terminal: 'txt',
  markdown: 'md',
  json: 'json',
  sarif: 'sarif.json',
  html: 'html',
} as const;

/** Time and version are the only things that change between runs; pin them. */
function audit(name: string): AuditReport {
  const report = runAudit(resolve(fixtures, name), {
    displayRoot: name,
    version: '0.0.0-golden',
    now: () => new Date('2026-01-01T00:00:00.000Z'),
  });
  return { ...report, summary: { ...report.summary, elapsedMs: 0 } };
}

describe.each(['shop', 'asyncapi-v2', 'no-events'])('golden output of %s', (name) => {
  const report = audit(name);
  it.each(FORMATS)('renders %s exactly as the golden file', (format) => {
    const file = resolve(golden, `${name}.${extension[format]}`);
    const text = render(report, format);
    if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
      mkdirSync(golden, { recursive: true });
      writeFileSync(file, text);
    }
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

describe('the Markdown tables', () => {
  it('use the seed’s exact header rows and marks', () => {
    const text = render(audit('shop'), 'markdown');
    expect(text).toContain(
      '| Event Type | Serialization | Producer | Consumer | E2E |\n|------------|--------------|----------|----------|-----|\n',
    );
    expect(text).toContain('| OrderCreated | ✅ | ◐ | ✅ | ✅ |');
    expect(text).toContain('| Gap | Recommendation |\n|-----|----------------|\n');
    expect(text).toContain('| No failure tests | Add poison message tests |');
    expect(text).toContain('| Pitfall | Problem | Solution |\n|---------|---------|----------|\n');
    expect(text).toContain('| No DLQ testing | Poison messages lost | Test DLQ routing |');
  });
});
