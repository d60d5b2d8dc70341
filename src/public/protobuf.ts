// The public API of 'eventproof/protobuf': the Protobuf codec, which needs the optional peer dependency protobufjs.
export { protobufCodec } from '../contracts/codecs/protobuf.js';
export type { ProtobufCodecOptions } from '../contracts/codecs/protobuf.js';
