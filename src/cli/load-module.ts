import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventproofError, failure, MissingPeerDependencyError } from '../errors.js';

/**
 * Imports a user's file: JavaScript natively, TypeScript through tsx (an optional peer, loaded
 * only when needed) so `eventproof explore scenarios.ts` works without a build step.
 */
export async function loadUserModule(file: string): Promise<Record<string, unknown>> {
  const path = resolve(file);
  if (!existsSync(path)) {
    throw new EventproofError(
      'CLI_USAGE',
      failure(`load ${file}`, 'no such file', 'Check the path (it is resolved from the current directory)'),
    );
  }
  const url = pathToFileURL(path).href;
  try {
    if (/\.[cm]?tsx?$/.test(path)) {
      let tsImport: (specifier: string, parent: string) => Promise<unknown>;
      try {
        ({ tsImport } = (await import('tsx/esm/api')) as { tsImport: typeof tsImport });
      } catch (cause) {
        throw new MissingPeerDependencyError('tsx', `Loading a TypeScript file (${file})`, cause);
      }
      return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
    }
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof EventproofError) throw error;
    throw new EventproofError(
      'CLI_USAGE',
      failure(
        `load ${file}`,
        error instanceof Error ? error.message : String(error),
        'Fix the error above; the file must import without side effects that need a running service',
      ),
      { cause: error },
    );
  }
}
