import { MissingPeerDependencyError } from '../errors.js';

/**
 * Loads an optional peer dependency (a broker client) on first use, so that importing
 * `eventproof/kafka` costs nothing until a probe is made, and a missing client is a typed error.
 * @internal
 */
export async function loadPeer<T>(name: string, feature: string): Promise<T> {
  try {
    return (await import(/* @vite-ignore */ name)) as T;
  } catch (cause) {
    if (isNotFound(cause, name)) throw new MissingPeerDependencyError(name, feature, cause);
    throw cause;
  }
}

function isNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(name);
}
