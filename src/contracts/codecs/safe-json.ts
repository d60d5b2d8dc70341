import { DecodeError, failure } from '../../errors.js';

/** Deeper JSON than this is poison: validators and diffs recurse, and no real event nests that far. */
export const MAX_JSON_DEPTH = 1000;

/**
 * JSON.parse that refuses what would hurt the consumer: nesting beyond {@link MAX_JSON_DEPTH} and
 * `__proto__` keys (which become prototypes the moment a handler spreads or merges the payload).
 * The common case — a small message with neither — costs one substring search over plain JSON.parse.
 * @internal
 */
export function parseJsonSafely(text: string, raw: Uint8Array, eventType: string | undefined): unknown {
  if (text.length >= MAX_JSON_DEPTH * 2) checkDepth(text, raw, eventType);
  let value: unknown;
  try {
    value =
      text.includes('proto') || text.includes('\\u') ? JSON.parse(text, refuseProtoKeys) : JSON.parse(text);
  } catch (cause) {
    if (cause instanceof DecodeError)
      throw new DecodeError(cause.message, { reason: 'invalid-json', raw, eventType });
    throw new DecodeError(
      failure(
        `decode ${eventType ?? 'a message'}`,
        `the payload is not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`,
        'Dead-letter it, or check the producer uses the same codec',
      ),
      { reason: 'invalid-json', raw, eventType, cause },
    );
  }
  return value;
}

function refuseProtoKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') {
    throw new DecodeError(
      failure(
        'decode a message',
        'the payload has a "__proto__" key, which would pollute prototypes',
        "Reject the producer's input",
      ),
      { reason: 'invalid-json', raw: new Uint8Array(0) },
    );
  }
  return value;
}

function checkDepth(text: string, raw: Uint8Array, eventType: string | undefined): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new DecodeError(
          failure(
            `decode ${eventType ?? 'a message'}`,
            `the JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
            'Dead-letter it: no event contract nests this deep',
          ),
          { reason: 'invalid-json', raw, eventType },
        );
      }
    } else if (c === 125 || c === 93) depth--;
  }
}
