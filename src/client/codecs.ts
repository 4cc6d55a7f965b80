// kafkajs is CommonJS: named ESM imports from it fail at run time, so take the default export.
import kafkajs from 'kafkajs';
import {Compression} from '../protocol/records/batch.js';
import {compress, decompress} from '../protocol/records/compression.js';

const {CompressionCodecs, CompressionTypes} = kafkajs;

/** kafkajs' codec shape (src/protocol/message/compression/index.js): a factory of compress/decompress. */
interface KafkajsCodec {
  compress(encoder: {buffer: Buffer}): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

function codecFor(codec: Compression): () => KafkajsCodec {
  const impl: KafkajsCodec = {
    compress: (encoder) => compress(codec, encoder.buffer),
    decompress: (buffer) => decompress(codec, buffer),
  };
  return () => impl;
}

// Built once so that repeated registration installs the very same factories.
const factories = [
  [CompressionTypes.Snappy, codecFor(Compression.snappy)],
  [CompressionTypes.LZ4, codecFor(Compression.lz4)],
  [CompressionTypes.ZSTD, codecFor(Compression.zstd)],
] as const;

/**
 * Installs snappy, LZ4 and zstd into kafkajs, which otherwise throws KafkaJSNotImplemented for
 * them when producing and when consuming. GZIP stays kafkajs' own. Idempotent.
 */
export function registerCodecs(): void {
  for (const [type, factory] of factories) CompressionCodecs[type] = factory;
}
