import { isUtf8 } from 'node:buffer';
import {
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
  type Dirent,
} from 'node:fs';
import { join } from 'node:path';
import ignoreModule, { type Ignore } from 'ignore';
import type { AuditWarning } from './model.js';

/**
 * Never code under test: dependencies, build output, caches, and test fixtures (sample repositories
 * and specs that tests feed to tools — an AsyncAPI document there describes nothing of this repo).
 * Dot-folders (.git, .next…) are skipped too.
 */
const SKIP_DIRS = new Set([
  'fixtures',
  '__fixtures__',
  'node_modules',
  'bower_components',
  'jspm_packages',
  'dist',
  'build',
  'out',
  'coverage',
  'storybook-static',
  'target',
  'tmp',
]);

export interface DiscoverOptions {
  /** Lower-case extensions (`.ts`) of the languages being read. */
  readonly extensions: ReadonlySet<string>;
  /** Files of those extensions to leave out (declaration files, minified bundles). */
  readonly excludes: (file: string) => boolean;
  /** Honour .gitignore files (default true). */
  readonly gitignore?: boolean;
}

export interface Discovered {
  /** Source files to read, relative to the root, `/`-separated, sorted. */
  readonly sources: readonly string[];
  /** YAML/JSON files that may be AsyncAPI documents. */
  readonly asyncapi: readonly string[];
  /** Folders holding an `eventcatalog.config.*`, and every `events/<name>/index.md(x)`. */
  readonly eventCatalogRoots: readonly string[];
  readonly eventCatalogPages: readonly string[];
  readonly warnings: readonly AuditWarning[];
}

// `ignore` is CommonJS with `factory.default = factory`: under NodeNext the default import is the module object.
const ignore = ((ignoreModule as unknown as { default?: typeof ignoreModule }).default ??
  ignoreModule) as unknown as () => Ignore;

const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
};

/**
 * Lists what the audit reads, honouring .gitignore at every level. Symlinks are followed once:
 * a link back to a folder already visited is reported, not followed (no loop, no hang); FIFOs and
 * devices are never opened.
 */
export function discover(root: string, options: DiscoverOptions): Discovered {
  const sources: string[] = [];
  const asyncapi: string[] = [];
  const eventCatalogRoots: string[] = [];
  const eventCatalogPages: string[] = [];
  const warnings: AuditWarning[] = [];
  const visited = new Set<string>();
  const useGitignore = options.gitignore !== false;

  // `known`: the folder's real path when it is a plain (not symlinked) entry of a folder whose real
  // path is known: the parent's real path and its name, with no system call to resolve it.
  const walk = (dir: string, rel: string, rules: readonly { base: string; ig: Ignore }[], known?: string) => {
    let real: string;
    try {
      real = known ?? realpathSync(dir);
    } catch (error) {
      warnings.push({
        file: rel || '.',
        reason: 'unreadable',
        message: `cannot resolve the folder: ${code(error)}`,
      });
      return;
    }
    if (visited.has(real)) {
      warnings.push({
        file: rel || '.',
        reason: 'symlink-loop',
        message: 'a symlink leads back to a folder already read; not followed',
      });
      return;
    }
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      warnings.push({
        file: rel || '.',
        reason: 'unreadable',
        message: `cannot list the folder: ${code(error)}`,
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let active = rules;
    if (useGitignore && entries.some((e) => e.name === '.gitignore' && !e.isDirectory())) {
      try {
        active = [...rules, { base: rel, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) }];
      } catch (error) {
        warnings.push({
          file: join(rel, '.gitignore'),
          reason: 'unreadable',
          message: `cannot read: ${code(error)}`,
        });
      }
    }
    for (const entry of entries) {
      const name = entry.name;
      const path = rel ? `${rel}/${name}` : name;
      const abs = join(dir, name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      const isLink = entry.isSymbolicLink();
      if (isLink) {
        try {
          const target = statSync(abs);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch (error) {
          warnings.push({ file: path, reason: 'unreadable', message: `broken symlink: ${code(error)}` });
          continue;
        }
      }
      if (isDir) {
        if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
        if (ignored(active, path, true)) continue;
        walk(abs, path, active, isLink ? undefined : join(real, name));
        continue;
      }
      const extension = extensionOf(name);
      const interesting =
        options.extensions.has(extension) ||
        extension === '.yaml' ||
        extension === '.yml' ||
        extension === '.json' ||
        extension === '.md' ||
        extension === '.mdx' ||
        name.startsWith('eventcatalog.config.');
      if (!interesting || ignored(active, path, false)) continue;
      if (!isFile) {
        warnings.push({
          file: path,
          reason: 'not-a-file',
          message: 'not a regular file (a FIFO, socket or device); not opened',
        });
        continue;
      }
      if (name.startsWith('eventcatalog.config.')) eventCatalogRoots.push(rel);
      if (options.extensions.has(extension)) {
        if (!options.excludes(path)) sources.push(path);
      } else if (extension === '.md' || extension === '.mdx') {
        if (/(^|\/)events\/[^/]+\/index\.mdx?$/.test(path)) eventCatalogPages.push(path);
      } else if (/asyncapi/i.test(name) || extension !== '.json') {
        asyncapi.push(path);
      }
    }
  };
  walk(root, '', []);
  return { sources, asyncapi, eventCatalogRoots, eventCatalogPages, warnings };
}

function ignored(rules: readonly { base: string; ig: Ignore }[], path: string, isDir: boolean): boolean {
  for (const { base, ig } of rules) {
    const relative = base ? path.slice(base.length + 1) : path;
    if (ig.ignores(isDir ? `${relative}/` : relative)) return true;
  }
  return false;
}

export interface ReadResult {
  readonly text?: string;
  readonly warning?: AuditWarning;
}

/**
 * One buffer, reused for every file up to SCRATCH_MAX bytes: the bytes are decoded into a string
 * before `readText` returns, and a fresh buffer per file (thousands of them) made the garbage
 * collector run far more often while parsing.
 */
const SCRATCH_MAX = 4 * 1024 * 1024;
let scratch: Buffer | undefined;
const scratchOf = (size: number): Buffer => {
  if (!scratch || scratch.length < size)
    scratch = Buffer.allocUnsafe(Math.min(SCRATCH_MAX, Math.max(size, 2 * (scratch?.length ?? 32 * 1024))));
  return scratch;
};

/**
 * Reads one file as UTF-8 text, or says why not: too large, binary, invalid UTF-8, unreadable.
 * One open, one fstat, one read: the size is checked before a byte of a huge file is read.
 */
export function readText(
  root: string,
  file: string,
  maxBytes: number,
  read?: (path: string) => Buffer,
): ReadResult {
  const abs = join(root, file);
  let bytes: Buffer;
  try {
    if (read) bytes = read(abs);
    else {
      const fd = openSync(abs, 'r');
      try {
        const size = fstatSync(fd).size;
        if (size > maxBytes) return { warning: tooLarge(file, size, maxBytes) };
        bytes = size <= SCRATCH_MAX ? scratchOf(size) : Buffer.allocUnsafe(size);
        let offset = 0;
        while (offset < size) {
          const n = readSync(fd, bytes, offset, size - offset, offset);
          if (n === 0) break;
          offset += n;
        }
        bytes = bytes.subarray(0, offset);
      } finally {
        closeSync(fd);
      }
    }
  } catch (error) {
    return { warning: { file, reason: 'unreadable', message: `cannot read: ${code(error)}` } };
  }
  if (bytes.length > maxBytes) return { warning: tooLarge(file, bytes.length, maxBytes) };
  if (bytes.subarray(0, 8000).includes(0))
    return { warning: { file, reason: 'binary', message: 'contains NUL bytes: a binary file, skipped' } };
  if (!isUtf8(bytes))
    return { warning: { file, reason: 'invalid-utf8', message: 'not valid UTF-8, skipped' } };
  const text = bytes.toString('utf8');
  if (text.length > 200_000 && countLines(text) < text.length / 2_000) {
    return {
      warning: { file, reason: 'minified', message: 'minified or generated (very long lines), skipped' },
    };
  }
  return { text };
}

const tooLarge = (file: string, size: number, maxBytes: number): AuditWarning => ({
  file,
  reason: 'too-large',
  message: `${formatBytes(size)} is over the ${formatBytes(maxBytes)} limit (--max-file-size); likely generated, skipped`,
});

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;

const code = (error: unknown): string =>
  error && typeof error === 'object' && 'code' in error
    ? String(error.code)
    : error instanceof Error
      ? error.message
      : String(error);
