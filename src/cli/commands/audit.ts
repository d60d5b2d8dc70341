import { statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FORMATS, type Format } from '../../audit/formats.js';
import { failure } from '../../errors.js';
import { EXIT, type CommandSpec } from '../command-table.js';
import { colours } from '../style.js';
import { packageVersion } from '../version.js';

/**
 * `eventproof audit [dir]`: the seed's Test Coverage Matrix, gaps and pitfalls for a repository,
 * read without running it. Exit codes: 0 done (and the gate, if any, passed), 1 the gate failed,
 * 2 usage error.
 */
export const auditCommand: CommandSpec = {
  name: 'audit',
  summary:
    "Read a repository's event tests (without running them) and print the coverage matrix, gaps and pitfalls",
  options: {
    format: {
      type: 'string',
      short: 'f',
      placeholder: 'format',
      description: `Output format: ${FORMATS.join(', ')} (default: terminal)`,
    },
    json: { type: 'boolean', description: 'Same as --format json' },
    output: {
      type: 'string',
      short: 'o',
      placeholder: 'file',
      description: 'Write the report to a file instead of stdout',
    },
    'fail-on': {
      type: 'string',
      placeholder: 'rules',
      description:
        'Exit 1 when a finding matches one of these, comma-separated: rule ids (EP-GAP-IDEMPOTENCY, EP-CELL-*) or severities (error, warning, note: that or worse)',
    },
    'min-coverage': {
      type: 'string',
      placeholder: 'percent',
      description: 'Exit 1 when the matrix is less covered than this (covered = 1, partial = ½)',
    },
    suggest: {
      type: 'boolean',
      description:
        'Write ready-to-edit test files for missing cells and gaps into test/eventproof/ (never overwrites)',
    },
    'max-file-size': {
      type: 'string',
      placeholder: 'bytes',
      description: 'Skip larger files with a warning (default 1048576; k and m suffixes allowed)',
    },
    'no-gitignore': { type: 'boolean', description: 'Also read files that .gitignore excludes' },
    threads: {
      type: 'string',
      placeholder: 'n',
      description:
        'Threads that read and parse files: 1 = the main thread alone; auto (default) = a worker per 5,000 files on idle cores beyond two, up to 4 threads (on 2 cores: one thread). The report is the same',
    },
  },
  positionals: [
    { name: 'dir', description: 'The repository to audit (default: the current directory)', optional: true },
  ],
  async run({ options, positionals, stdout, stderr }) {
    // Loaded here, not at start-up: `eventproof --help` and the other commands do not pay for the audit.
    const [
      { DEFAULT_MAX_FILE_SIZE, runAudit },
      { checkFailOn, gate },
      { progressBar },
      { render },
      { writeSuggestions },
    ] = await Promise.all([
      import('../../audit/audit.js'),
      import('../../audit/gate.js'),
      import('../../audit/progress.js'),
      import('../../audit/render/index.js'),
      import('../../audit/suggest.js'),
    ]);
    const usage = (reason: string, hint = 'See: eventproof audit --help') => {
      stderr.write(`${colours(stderr).red(failure('run audit', reason, hint))}\n`);
      return EXIT.usage;
    };
    const dir = positionals[0] ?? '.';
    const root = resolve(dir);
    try {
      if (!statSync(root).isDirectory())
        return usage(`'${dir}' is not a directory`, 'Pass the folder of the repository to audit');
    } catch {
      return usage(`'${dir}' does not exist`, 'Pass the folder of the repository to audit');
    }
    const format = (options.json ? 'json' : ((options.format as string | undefined) ?? 'terminal')) as Format;
    if (!FORMATS.includes(format))
      return usage(`unknown format '${format}'`, `Use one of: ${FORMATS.join(', ')}`);
    const failOn =
      typeof options['fail-on'] === 'string'
        ? options['fail-on']
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean)
        : [];
    for (const value of failOn) {
      const problem = checkFailOn(value);
      if (problem) return usage(`--fail-on ${problem}`);
    }
    let minCoverage: number | undefined;
    if (typeof options['min-coverage'] === 'string') {
      minCoverage = Number(options['min-coverage'].replace(/%$/, ''));
      if (!Number.isFinite(minCoverage) || minCoverage < 0 || minCoverage > 100)
        return usage(`--min-coverage must be a percent between 0 and 100, not '${options['min-coverage']}'`);
    }
    let maxFileSize = DEFAULT_MAX_FILE_SIZE;
    if (typeof options['max-file-size'] === 'string') {
      const match = /^(\d+)\s*([km]?)b?$/i.exec(options['max-file-size'].trim());
      if (!match)
        return usage(
          `--max-file-size must be a number of bytes (or 512k, 5m), not '${options['max-file-size']}'`,
        );
      maxFileSize =
        Number(match[1]) *
        (match[2]?.toLowerCase() === 'm' ? 1024 * 1024 : match[2]?.toLowerCase() === 'k' ? 1024 : 1);
    }

    let threads: number | 'auto' = 'auto';
    if (typeof options.threads === 'string' && options.threads !== 'auto') {
      threads = Number(options.threads);
      if (!Number.isInteger(threads) || threads < 1)
        return usage(`--threads must be a whole number of at least 1, or auto, not '${options.threads}'`);
    }

    const progress = progressBar(stderr, 'eventproof audit');
    const report = runAudit(root, {
      displayRoot: dir,
      version: packageVersion(),
      maxFileSize,
      gitignore: options['no-gitignore'] !== true,
      threads,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.done();

    const output = typeof options.output === 'string' ? options.output : undefined;
    const text = render(report, format, format === 'terminal' && !output ? colours(stdout) : undefined);
    if (output) {
      writeFileSync(output, text);
      stderr.write(`Wrote the ${format} report to ${output}\n`);
    } else {
      stdout.write(text);
    }
    if (options.suggest) {
      const { written, kept } = writeSuggestions(root, report);
      for (const file of written) stderr.write(`suggested: ${file}\n`);
      for (const file of kept) stderr.write(`kept (already exists, not overwritten): ${file}\n`);
      if (written.length + kept.length === 0)
        stderr.write('Nothing to suggest: every cell is covered and no gap was found.\n');
    }
    const verdict = gate(report, { failOn, ...(minCoverage === undefined ? {} : { minCoverage }) });
    for (const reason of verdict.reasons) stderr.write(`${colours(stderr).red(`✗ ${reason}`)}\n`);
    return verdict.passed ? EXIT.ok : EXIT.checkFailed;
  },
};
