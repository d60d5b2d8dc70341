// The public API of 'eventproof/avro': the Avro codec, which needs the optional peer dependency avsc.
export { avroCodec } from '../contracts/codecs/avro.js';
export type { AvroCodecOptions, AvroSchemaOrType } from '../contracts/codecs/avro.js';
