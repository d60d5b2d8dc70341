import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { SchemaIssue } from '../errors.js';

/** Message headers as they travel on a broker: Kafka record headers, AMQP headers, SQS attributes. */
export type Headers = Record<string, string>;

/** One message as bytes on the wire, plus its headers and partition key. */
export interface WireMessage {
  readonly value: Uint8Array;
  readonly headers: Headers;
  readonly key?: string | undefined;
}

/** What a codec reads off the wire before the schema sees it. */
export interface DecodedWire {
  readonly payload: unknown;
  /** The event type the message declares (header, envelope or discriminant), when it declares one. */
  readonly type?: string | undefined;
  /** The schema version the message declares, when it declares one. */
  readonly version?: number | undefined;
  /** Envelope attributes worth keeping (CloudEvents id, source, time, …). */
  readonly metadata?: Readonly<Record<string, unknown>> | undefined;
}

/** The facts about an event type that a codec may put on the wire. */
export interface EncodeContext {
  readonly type: string;
  readonly version: number;
  readonly key?: string | undefined;
  readonly headers?: Headers | undefined;
}

/**
 * Turns payloads into bytes and back. Codecs never validate: the contract validates after decoding.
 * A codec throws {@link DecodeError} with reason `not-bytes`, `invalid-utf8`, `invalid-json`,
 * `invalid-envelope` or `codec-error` when the bytes are not a message at all.
 */
export interface Codec {
  readonly name: string;
  readonly contentType: string;
  encode(payload: unknown, context: EncodeContext): WireMessage;
  decode(message: WireMessage, context: { readonly type: string }): DecodedWire;
}

/** Result of validating one payload. */
export type ValidationResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly SchemaIssue[] };

/** A validator eventproof can use: any Standard Schema, or a JSON Schema document. */
export type SchemaLike = StandardSchemaV1 | JsonSchemaDocument;

/** A JSON Schema (draft 2020-12, 2019-09 or 07) given as a plain object. */
export interface JsonSchemaDocument {
  readonly $schema?: string;
  readonly type?: string | readonly string[];
  readonly [keyword: string]: unknown;
}

/** The validated output type of a schema. */
export type OutputOf<S> = S extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<S>
  : Record<string, unknown>;
/** The input type a schema accepts. */
export type InputOf<S> = S extends StandardSchemaV1
  ? StandardSchemaV1.InferInput<S>
  : Record<string, unknown>;

/** A schema prepared for validation and introspection, whatever library it came from. */
export interface PreparedSchema {
  /** 'zod', 'valibot', 'arktype', 'json-schema', … */
  readonly vendor: string;
  readonly source: SchemaLike;
  validate(value: unknown): ValidationResult<unknown>;
  /** A JSON Schema rendering, when the library can produce one (used for arbitraries and compatibility). */
  toJsonSchema(): JsonSchemaDocument | undefined;
}

/** Migrates a payload of an older version one step up: `upcasters[1]` turns a v1 payload into v2. */
export type Upcaster = (payload: unknown) => unknown;

export interface DefineEventOptions<Payload> {
  /** Schema version of this contract; messages declaring a newer version are rejected. Default 1. */
  readonly version?: number;
  /** Derives the partition / ordering key (Kafka key, SQS MessageGroupId) from a payload. */
  readonly key?: (payload: Payload) => string;
  /** How payloads become bytes. Default {@link jsonCodec}. */
  readonly codec?: Codec;
  /** Migrations from older versions: `{ 1: v1 => v2 }` lets a v2 contract read v1 messages. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
}

/**
 * A typed event contract: name, schema, version, key and codec in one object.
 * Create one with {@link defineEvent}.
 */
export interface EventType<Name extends string = string, Payload = unknown, Input = Payload> {
  readonly name: Name;
  readonly version: number;
  readonly codec: Codec;
  readonly schema: PreparedSchema;
  readonly upcasters: Readonly<Record<number, Upcaster>>;
  /** Validates and returns the event; throws {@link ValidationError} when the schema rejects it. */
  create(payload: Input): Payload;
  /** Validates without throwing. */
  validate(payload: unknown): ValidationResult<Payload>;
  /** True when the value was made by this contract's `create` / `decode`, or passes its schema. */
  is(value: unknown): value is Payload;
  /** The partition / ordering key of a payload, when the contract declares one. */
  keyOf(payload: Payload): string | undefined;
  /** Validates, then encodes to a wire message with type and version headers. */
  encode(payload: Input, options?: { readonly headers?: Headers; readonly key?: string }): WireMessage;
  /** Decodes bytes (or a wire message) and validates; throws {@link DecodeError} for poison. */
  decode(raw: Uint8Array | string | WireMessage, headers?: Headers): Payload;
}

/** The payload type of an event contract. */
export type PayloadOf<E> = E extends EventType<string, infer P, unknown> ? P : never;
