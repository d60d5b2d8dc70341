import type { StandardSchemaV1 } from '@standard-schema/spec';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { failure, InvalidArgumentError, type SchemaIssue } from '../errors.js';
import type { JsonSchemaDocument, PreparedSchema, SchemaLike, ValidationResult } from './types.js';

interface StandardJsonSchemaCapable {
  readonly '~standard': StandardSchemaV1['~standard'] & {
    readonly jsonSchema?: { input(options: { target: string }): Record<string, unknown> };
  };
}

const isStandardSchema = (value: unknown): value is StandardSchemaV1 =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as Partial<StandardSchemaV1>)['~standard']?.validate === 'function';

const JSON_SCHEMA_KEYWORDS = [
  '$schema',
  'type',
  'properties',
  'anyOf',
  'oneOf',
  'allOf',
  'enum',
  'const',
  '$ref',
  'items',
];
const isJsonSchema = (value: unknown): value is JsonSchemaDocument =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  JSON_SCHEMA_KEYWORDS.some((k) => k in value);

let ajv: Ajv2020 | undefined;
const getAjv = () => (ajv ??= new Ajv2020({ allErrors: true, strict: false, validateFormats: false }));

const toPath = (segments: StandardSchemaV1.Issue['path']): PropertyKey[] =>
  (segments ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment));

function prepareStandard(schema: StandardSchemaV1, eventName: string): PreparedSchema {
  const standard = (schema as unknown as StandardJsonSchemaCapable)['~standard'];
  return {
    vendor: standard.vendor,
    source: schema,
    validate(value): ValidationResult<unknown> {
      const result = standard.validate(value);
      if (result instanceof Promise) {
        throw new InvalidArgumentError(
          failure(
            `validate ${eventName}`,
            `its ${standard.vendor} schema validates asynchronously`,
            'Use a synchronous schema for event contracts (no async refinements or transforms)',
          ),
        );
      }
      if (result.issues) {
        return {
          ok: false,
          issues: result.issues.map((issue) => ({ message: issue.message, path: toPath(issue.path) })),
        };
      }
      return { ok: true, value: result.value };
    },
    toJsonSchema() {
      try {
        return standard.jsonSchema?.input({ target: 'draft-2020-12' });
      } catch {
        // Not every schema is representable (dates, maps, transforms): callers fall back to the vendor walker.
        return undefined;
      }
    },
  };
}

function prepareJsonSchema(document: JsonSchemaDocument, eventName: string): PreparedSchema {
  let check: ReturnType<Ajv2020['compile']>;
  try {
    const { $schema: _ignored, ...rest } = document;
    check = getAjv().compile(rest);
  } catch (cause) {
    throw new InvalidArgumentError(
      failure(
        `compile the JSON Schema of ${eventName}`,
        cause instanceof Error ? cause.message : String(cause),
        'Fix the schema document',
      ),
      { cause },
    );
  }
  return {
    vendor: 'json-schema',
    source: document,
    validate(value): ValidationResult<unknown> {
      if (check(value)) return { ok: true, value };
      const issues: SchemaIssue[] = (check.errors ?? []).map((error) => ({
        message: `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`,
        path: error.instancePath
          .split('/')
          .slice(1)
          .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')),
      }));
      return { ok: false, issues };
    },
    toJsonSchema: () => document,
  };
}

/**
 * Accepts any Standard Schema validator (zod, valibot, arktype, …) or a JSON Schema document.
 * @internal
 */
export function prepareSchema(schema: SchemaLike, eventName: string): PreparedSchema {
  if (isStandardSchema(schema)) return prepareStandard(schema, eventName);
  if (isJsonSchema(schema)) return prepareJsonSchema(schema, eventName);
  throw new InvalidArgumentError(
    failure(
      `define event ${eventName}`,
      'the schema is neither a Standard Schema validator nor a JSON Schema document',
      'Pass a zod, valibot or arktype schema (or any Standard Schema), or a JSON Schema object with "type" or "properties"',
    ),
  );
}

/** Renders issues as one line each: `orderId: Expected string`. */
export function formatIssues(issues: readonly SchemaIssue[]): string {
  return issues
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
