import {spawnSync} from 'node:child_process';
import kafkajs from 'kafkajs';
import {describe, expect, it} from 'vitest';
import {registerCodecs} from '../../src/client/codecs.js';
import {Compression} from '../../src/protocol/records/batch.js';
import {compress, decompress} from '../../src/protocol/records/compression.js';

const {CompressionCodecs, CompressionTypes} = kafkajs;

const CODECS = [Compression.none, Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd];

/** The text the CLI and Java fixtures below were made from: 100 distinct lines, cycled. */
function foxText(lines: number): Buffer {
  let s = '';
  for (let i = 0; i < lines; i++) s += `line ${String(i % 100).padStart(4, '0')} the quick brown fox jumps over the lazy dog\n`;
  return Buffer.from(s);
}

function lcg(seed: number): () => number {
  let x = seed;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8;
}

/** Log-like text: compressible but not trivially so. */
function logText(bytes: number): Buffer {
  const r = lcg(1);
  const levels = ['INFO', 'WARN', 'DEBUG', 'ERROR'];
  let s = '';
  for (let i = 0; s.length < bytes; i++) {
    s += `2024-05-01T12:${String(i % 60).padStart(2, '0')}:00.${r() % 1000}Z ${levels[r() % 4]} [svc-${r() % 16}] request_id=${r().toString(16)} path=/v1/items/${r() % 100000} status=${[200, 200, 404, 500][r() % 4]} latency_ms=${r() % 900}\n`;
  }
  return Buffer.from(s.slice(0, bytes));
}

function noise(bytes: number): Buffer {
  const r = lcg(7);
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = r() & 0xff;
  return b;
}

function hasTool(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], {stdio: 'ignore'}).status === 0;
}

/** A raw snappy block made of literals only, written by hand from the format description. */
function rawSnappyLiterals(data: Buffer): Buffer {
  const out: number[] = [];
  let n = data.length;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  for (let at = 0; at < data.length; at += 60) {
    const chunk = data.subarray(at, at + 60);
    out.push((chunk.length - 1) << 2, ...chunk);
  }
  return Buffer.from(out);
}

function xerialStream(blocks: Buffer[]): Buffer {
  const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
  const parts: Buffer[] = [header];
  for (const b of blocks) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(b.length);
    parts.push(len, b);
  }
  return Buffer.concat(parts);
}

const fixture = (name: keyof typeof FIXTURES) => Buffer.from(FIXTURES[name], 'base64');

describe('compress/decompress round trip', () => {
  const inputs: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['fox text', foxText(1500)],
    ['1 MiB of log text', logText(1 << 20)],
    ['incompressible', noise(200_000)],
  ];
  for (const codec of CODECS) {
    for (const [what, data] of inputs) {
      it(`${Compression[codec]}: ${what}`, async () => {
        const packed = await compress(codec, data);
        if (codec !== Compression.none && data.length > 100_000 && what !== 'incompressible') {
          expect(packed.length).toBeLessThan(data.length / 2);
        }
        expect((await decompress(codec, packed)).equals(data)).toBe(true);
      });
    }
  }

  it('rejects an unknown codec', async () => {
    await expect(compress(7 as Compression, Buffer.from('x'))).rejects.toThrow(/unknown compression codec 7/);
    await expect(decompress(7 as Compression, Buffer.from('x'))).rejects.toThrow(/unknown compression codec 7/);
  });

  it('gzip: writes one gzip member and rejects a truncated one', async () => {
    const packed = await compress(Compression.gzip, logText(10_000));
    expect(packed.subarray(0, 3).toString('hex')).toBe('1f8b08');
    await expect(decompress(Compression.gzip, packed.subarray(0, packed.length - 5))).rejects.toThrow(/gzip decompression failed/);
  });
});

describe('snappy', () => {
  it('writes xerial framing with 32 KiB blocks, as Java SnappyOutputStream does', async () => {
    const data = logText(100_000);
    const packed = await compress(Compression.snappy, data);
    expect(packed.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    let at = 16;
    let blocks = 0;
    while (at < packed.length) {
      const len = packed.readInt32BE(at);
      at += 4 + len;
      blocks++;
    }
    expect(at).toBe(packed.length);
    expect(blocks).toBe(Math.ceil(data.length / 32768));
  });

  it('reads xerial streams written by snappy-java 1.1.8.3 (default and 1 KiB blocks)', async () => {
    expect((await decompress(Compression.snappy, fixture('xerialJava'))).equals(foxText(1500))).toBe(true);
    const small = fixture('xerialJava1k');
    expect((await decompress(Compression.snappy, small)).equals(foxText(100))).toBe(true);
  });

  it('reads raw snappy (librdkafka) from a hand-built block', async () => {
    const data = Buffer.from('raw snappy as librdkafka writes it, no framing at all. '.repeat(5));
    expect((await decompress(Compression.snappy, rawSnappyLiterals(data))).equals(data)).toBe(true);
  });

  it('reads a hand-built xerial stream, including concatenated streams', async () => {
    const a = Buffer.from('first block '.repeat(10));
    const b = Buffer.from('second block');
    const c = Buffer.from('block after a second header');
    const stream = Buffer.concat([xerialStream([rawSnappyLiterals(a), rawSnappyLiterals(b)]), xerialStream([rawSnappyLiterals(c)])]);
    expect((await decompress(Compression.snappy, stream)).toString()).toBe(a.toString() + b.toString() + c.toString());
  });

  it('rejects truncated or corrupt snappy', async () => {
    const stream = xerialStream([rawSnappyLiterals(Buffer.from('hello world, hello world'))]);
    await expect(decompress(Compression.snappy, stream.subarray(0, stream.length - 3))).rejects.toThrow(/snappy decompression failed: xerial block of \d+ bytes/);
    await expect(decompress(Compression.snappy, Buffer.from('ffffffff0f00', 'hex'))).rejects.toThrow(/snappy decompression failed/);
  });
});

describe('lz4', () => {
  it('writes the frame Java and librdkafka write: 64 KiB independent blocks, no checksums', async () => {
    const data = Buffer.concat([logText(150_000), noise(70_000)]);
    const packed = await compress(Compression.lz4, data);
    expect(packed.subarray(0, 7).toString('hex')).toBe('04224d18604082');
    let at = 7;
    let storedRaw = 0;
    const sizes: number[] = [];
    for (;;) {
      const word = packed.readUInt32LE(at);
      at += 4;
      if (word === 0) break;
      const len = word & 0x7fffffff;
      if (word & 0x80000000) storedRaw++;
      sizes.push(len);
      at += len;
    }
    expect(at).toBe(packed.length);
    expect(sizes.length).toBe(Math.ceil(data.length / 65536));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(65536);
    expect(storedRaw).toBeGreaterThan(0); // the noise block is stored uncompressed
  });

  it('reads lz4 1.9.4 CLI frames: content checksum, linked blocks, block checksums + content size', async () => {
    const text = foxText(1500);
    const dflt = fixture('lz4Default');
    expect(dflt[4] & 0x04).toBe(0x04); // content checksum flag
    expect((await decompress(Compression.lz4, dflt)).equals(text)).toBe(true);
    const linked = fixture('lz4Linked');
    expect(linked[4] & 0x20).toBe(0); // block independence off
    expect((await decompress(Compression.lz4, linked)).equals(text)).toBe(true);
    const bx = fixture('lz4BlockChecksum');
    expect(bx[4] & 0x18).toBe(0x18); // block checksum + content size
    expect((await decompress(Compression.lz4, bx)).equals(foxText(100))).toBe(true);
  });

  it('rejects a frame whose content checksum does not match', async () => {
    const bad = Buffer.from(fixture('lz4Default'));
    bad[bad.length - 1] ^= 0xff;
    await expect(decompress(Compression.lz4, bad)).rejects.toThrow(/lz4 decompression failed/);
  });

  it.skipIf(!hasTool('lz4'))('the lz4 CLI reads what we write', async () => {
    const data = logText(200_000);
    const r = spawnSync('lz4', ['-dc'], {input: await compress(Compression.lz4, data), maxBuffer: 1 << 24});
    expect(r.status).toBe(0);
    expect(r.stdout.equals(data)).toBe(true);
  });
});

describe('zstd', () => {
  it('reads a streamed zstd 1.5.4 CLI frame (no content size, with checksum)', async () => {
    expect((await decompress(Compression.zstd, fixture('zstdStream'))).equals(foxText(1500))).toBe(true);
  });

  it('rejects a frame whose checksum does not match', async () => {
    const bad = Buffer.from(fixture('zstdStream'));
    bad[bad.length - 1] ^= 0xff;
    await expect(decompress(Compression.zstd, bad)).rejects.toThrow(/zstd decompression failed/);
  });

  it.skipIf(!hasTool('zstd'))('the zstd CLI reads what we write', async () => {
    const data = logText(200_000);
    const r = spawnSync('zstd', ['-dc'], {input: await compress(Compression.zstd, data), maxBuffer: 1 << 24});
    expect(r.status).toBe(0);
    expect(r.stdout.equals(data)).toBe(true);
  });
});

describe('kafkajs codecs', () => {
  it('registers snappy, lz4 and zstd idempotently and leaves gzip alone', () => {
    const types = [CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD] as const;
    const gzip = CompressionCodecs[CompressionTypes.GZIP];
    // Nothing in this file registered them yet: kafkajs alone refuses these codecs.
    for (const t of types) expect(() => CompressionCodecs[t]()).toThrow(/not implemented/);
    registerCodecs();
    const first = types.map((t) => CompressionCodecs[t]);
    registerCodecs();
    types.forEach((t, i) => expect(CompressionCodecs[t]).toBe(first[i]));
    expect(CompressionCodecs[CompressionTypes.GZIP]).toBe(gzip);
  });

  for (const [type, codec] of [
    [CompressionTypes.Snappy, Compression.snappy],
    [CompressionTypes.LZ4, Compression.lz4],
    [CompressionTypes.ZSTD, Compression.zstd],
  ] as const) {
    it(`${Compression[codec]}: kafkajs' codec shape round-trips with compression.ts`, async () => {
      registerCodecs();
      const data = logText(50_000);
      const impl = CompressionCodecs[type]();
      const packed: Buffer = await impl.compress({buffer: data});
      expect((await decompress(codec, packed)).equals(data)).toBe(true);
      expect((await impl.decompress(await compress(codec, data))).equals(data)).toBe(true);
    });
  }
});

// Fixtures, made on Debian bookworm from foxText(1500) (81,000 bytes) or foxText(100):
//   lz4Default       `lz4 -c` (1.9.4: content checksum, 4 MiB blocks)
//   lz4Linked        `lz4 -c -BD -B4` (linked 64 KiB blocks)
//   lz4BlockChecksum `lz4 -c -BX --content-size -B4`, of foxText(100)
//   zstdStream       `zstd -c < file` (1.5.4, streamed: no content size)
//   xerialJava       snappy-java 1.1.8.3 `new SnappyOutputStream(out)`
//   xerialJava1k     snappy-java 1.1.8.3 `new SnappyOutputStream(out, 1024)`, of foxText(100)
const FIXTURES = {
  lz4Default: [
    'BCJNGGRQCFwDAADxGWxpbmUgMDAwMCB0aGUgcXVpY2sgYnJvd24gZm94IGp1bXBzIG92ZXIfAJRsYXp5IGRvZwo2ABExFwAP',
    'NgAdHzI2ACIfMzYAIh80NgAiHzU2ACIfNjYAIh83NgAiHzg2ACIfOTYAIR8xHAIiHzEcAiIfMRwCIh8xHAIiHzEcAiIfMRwC',
    'Ih8xHAIiHzEcAiIfMRwCIh8xHAIiHzIcAiIfMhwCIh8yHAIiHzIcAiIfMhwCIh8yHAIiHzIcAiIfMhwCIh8yHAIiHzIcAiIf',
    'MxwCIh8zHAIiHzMcAiIfMxwCIh8zHAIiHzMcAiIfMxwCIh8zHAIiHzMcAiIfMxwCIh80HAIiHzQcAiIfNBwCIh80HAIiHzQc',
    'AiIfNBwCIh80HAIiHzQcAiIfNBwCIh80HAIiHzUcAiIfNRwCIh81HAIiHzUcAiIfNRwCIh81HAIiHzUcAiIfNRwCIh81HAIi',
    'HzUcAiIfNhwCIh82HAIiHzYcAiIfNhwCIh82HAIiHzYcAiIfNhwCIh82HAIiHzYcAiIfNhwCIh83HAIiHzccAiIfNxwCIh83',
    'HAIiHzccAiIfNxwCIh83HAIiHzccAiIfNxwCIh83HAIiHzgcAiIfOBwCIh84HAIiHzgcAiIfOBwCIh84HAIiHzgcAiIfOBwC',
    'Ih84HAIiHzgcAiIfORwCIh85HAIiHzkcAiIfORwCIh85HAIiHzkcAiIfORwCIh85HAIiHzkcAiIfORwCIg8YFf//////////',
    '////////////////////////////////////////////////////////////////////////////////////////////////',
    '////////////////////////////////////////////////////////////////////////////////////////////////',
    '////////////////////////////////////////////////////////////////////////////////////////////////',
    '////////////////////////////////////////////////////////////////////////////////////////////////',
    'WVAgZG9nCgAAAADqLgmk',
  ].join(''),
  lz4Linked: [
    'BCJNGERAXh8DAADxGWxpbmUgMDAwMCB0aGUgcXVpY2sgYnJvd24gZm94IGp1bXBzIG92ZXIfAJRsYXp5IGRvZwo2ABExFwAP',
    'NgAdHzI2ACIfMzYAIh80NgAiHzU2ACIfNjYAIh83NgAiHzg2ACIfOTYAIR8xHAIiHzEcAiIfMRwCIh8xHAIiHzEcAiIfMRwC',
    'Ih8xHAIiHzEcAiIfMRwCIh8xHAIiHzIcAiIfMhwCIh8yHAIiHzIcAiIfMhwCIh8yHAIiHzIcAiIfMhwCIh8yHAIiHzIcAiIf',
    'MxwCIh8zHAIiHzMcAiIfMxwCIh8zHAIiHzMcAiIfMxwCIh8zHAIiHzMcAiIfMxwCIh80HAIiHzQcAiIfNBwCIh80HAIiHzQc',
    'AiIfNBwCIh80HAIiHzQcAiIfNBwCIh80HAIiHzUcAiIfNRwCIh81HAIiHzUcAiIfNRwCIh81HAIiHzUcAiIfNRwCIh81HAIi',
    'HzUcAiIfNhwCIh82HAIiHzYcAiIfNhwCIh82HAIiHzYcAiIfNhwCIh82HAIiHzYcAiIfNhwCIh83HAIiHzccAiIfNxwCIh83',
    'HAIiHzccAiIfNxwCIh83HAIiHzccAiIfNxwCIh83HAIiHzgcAiIfOBwCIh84HAIiHzgcAiIfOBwCIh84HAIiHzgcAiIfOBwC',
    'Ih84HAIiHzgcAiIfORwCIh85HAIiHzkcAiIfORwCIh85HAIiHzkcAiIfORwCIh85HAIiHzkcAiIfORwCIg8YFf//////////',
    '////////////////////////////////////////////////////////////////////////////////////////////////',
    '////////////////////////////////////////////////////////////////////////////////////////////////',
    '////////////////////////////////////////////////////////////////////////////////////////////////',
    '//////////////+0UCBqdW1wSgAAAA/e/wgPIP3/////////////////////////////////////////////////////////',
    '//////////////////////9xUCBkb2cKAAAAAOouCaQ=',
  ].join(''),
  lz4BlockChecksum: [
    'BCJNGHxAGBUAAAAAAABLMAIAAPEZbGluZSAwMDAwIHRoZSBxdWljayBicm93biBmb3gganVtcHMgb3Zlch8AlGxhenkgZG9n',
    'CjYAETEXAA82AB0fMjYAIh8zNgAiHzQ2ACIfNTYAIh82NgAiHzc2ACIfODYAIh85NgAhHzEcAiIfMRwCIh8xHAIiHzEcAiIf',
    'MRwCIh8xHAIiHzEcAiIfMRwCIh8xHAIiHzEcAiIfMhwCIh8yHAIiHzIcAiIfMhwCIh8yHAIiHzIcAiIfMhwCIh8yHAIiHzIc',
    'AiIfMhwCIh8zHAIiHzMcAiIfMxwCIh8zHAIiHzMcAiIfMxwCIh8zHAIiHzMcAiIfMxwCIh8zHAIiHzQcAiIfNBwCIh80HAIi',
    'HzQcAiIfNBwCIh80HAIiHzQcAiIfNBwCIh80HAIiHzQcAiIfNRwCIh81HAIiHzUcAiIfNRwCIh81HAIiHzUcAiIfNRwCIh81',
    'HAIiHzUcAiIfNRwCIh82HAIiHzYcAiIfNhwCIh82HAIiHzYcAiIfNhwCIh82HAIiHzYcAiIfNhwCIh82HAIiHzccAiIfNxwC',
    'Ih83HAIiHzccAiIfNxwCIh83HAIiHzccAiIfNxwCIh83HAIiHzccAiIfOBwCIh84HAIiHzgcAiIfOBwCIh84HAIiHzgcAiIf',
    'OBwCIh84HAIiHzgcAiIfOBwCIh85HAIiHzkcAiIfORwCIh85HAIiHzkcAiIfORwCIh85HAIiHzkcAiIfORwCIh85HAIWUCBk',
    'b2cKXUJ7bgAAAADB4HmR',
  ].join(''),
  zstdStream: [
    'KLUv/QRYZQYA0gkeHVCHJg8zMzZsA2v6CFOEKQhVVYUiRUiRg4bM/Mb0zauJZ/VuXk08q3PzauJZfZtXE8/q2ryaeFbP5tXE',
    'szo2ryae1a95NfGsbs2riWf1al5NPCuC4iDI4KCgMMjAoYCHo2FQwUnQQnAYAzUOSQNAyEKA/p+QJVECZqgh5G7tnwHwNbYD',
    'EkgQSBD4///8/TNGJxsVSaKSTpGIRCJKJKlUMkUiSUpUkaSS1BSJJImoIklVkiklkiSiRCWVJFNUSZJoZYgspyoEQFYB0z5Y',
    'Ew==',
  ].join(''),
  xerialJava: [
    'glNOQVBQWQAAAAABAAAAAQAABy6AgAKgbGluZSAwMDAwIHRoZSBxdWljayBicm93biBmb3gganVtcHMgb3ZlciABHyBsYXp5',
    'IGRvZwoRNgAx0jYAADLSNgAAM9I2AAA00jYAADXSNgAANtI2AAA30jYAADjSNgAAOc42AAAx0hwCADHSHAIAMdIcAgAx0hwC',
    'ADHSHAIAMdIcAgAx0hwCADHSHAIAMdIcAgAx0hwCADLSHAIAMtIcAgAy0hwCADLSHAIAMtIcAgAy0hwCADLSHAIAMtIcAgAy',
    '0hwCADLSHAIAM9IcAgAz0hwCADPSHAIAM9IcAgAz0hwCADPSHAIAM9IcAgAz0hwCADPSHAIAM9IcAgA00hwCADTSHAIANNIc',
    'AgA00hwCADTSHAIANNIcAgA00hwCADTSHAIANNIcAgA00hwCADXSHAIANdIcAgA10hwCADXSHAIANdIcAgA10hwCADXSHAIA',
    'NdIcAgA10hwCADXSHAIANtIcAgA20hwCADbSHAIANtIcAgA20hwCADbSHAIANtIcAgA20hwCADbSHAIANtIcAgA30hwCADfS',
    'HAIAN9IcAgA30hwCADfSHAIAN9IcAgA30hwCADfSHAIAN9IcAgA30hwCADjSHAIAONIcAgA40hwCADjSHAIAONIcAgA40hwC',
    'ADjSHAIAONIcAgA40hwCADjSHAIAOdIcAgA50hwCADnSHAIAOdIcAgA50hwCADnSHAIAOdIcAgA50hwCADnSHAIAOdIcAv4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFYIYFQAABy6AgALIIGxhenkg',
    'ZG9nCmxpbmUgMDAwNyB0aGUgcXVpY2sgYnJvd24gZm94IGp1bXBzIG92ZXIgAR9CNgAAONI2AAA5zjYABDEw0jYAADHSNgAA',
    'MtI2AAAz0jYAADTSNgAANdI2AAA20jYA0hwCADHSHAIAMdIcAgAy0hwCADLSHAIAMtIcAgAy0hwCADLSHAIAMtIcAgAy0hwC',
    'ADLSHAIAMtIcAgAy0hwCADPSHAIAM9IcAgAz0hwCADPSHAIAM9IcAgAz0hwCADPSHAIAM9IcAgAz0hwCADPSHAIANNIcAgA0',
    '0hwCADTSHAIANNIcAgA00hwCADTSHAIANNIcAgA00hwCADTSHAIANNIcAgA10hwCADXSHAIANdIcAgA10hwCADXSHAIANdIc',
    'AgA10hwCADXSHAIANdIcAgA10hwCADbSHAIANtIcAgA20hwCADbSHAIANtIcAgA20hwCADbSHAIANtIcAgA20hwCADbSHAIA',
    'N9IcAgA30hwCADfSHAIAN9IcAgA30hwCADfSHAIAN9IcAgA30hwCADfSHAIAN9IcAgA40hwCADjSHAIAONIcAgA40hwCADjS',
    'HAIAONIcAgA40hwCADjSHAIAONIcAgA40hwCADnSHAIAOdIcAgA50hwCADnSHAIAOdIcAgA50hwCADnSHAIAOdIcAgA50hwC',
    'ADnSHAIAMNIcAgAw0hwCADDSHAIAMNIcAgAw0hwCADDSHAIAMNIcAv4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFf4Y',
    'Ff4YFf4YFf4YFf4YFf4YFf4YFf4YFf4YFVoYFQAAA//oeHBzIG92ZXIgdGhlIGxhenkgZG9nCmxpbmUgMDAxNAUXTHF1aWNr',
    'IGJyb3duIGZveCBqdW1wbjYAADXSNgAANtI2AAA30jYAADjSNgAAOc42AAQyMNI2AAAx0jYAADLSNgAAM9I2ANIcAgAy0hwC',
    'ADLSHAIAMtIcAgAy0hwCADLSHAIAM9IcAgAz0hwCADPSHAIAM9IcAgAz0hwCADPSHAIAM9IcAgAz0hwCADPSHAIAM9IcAgA0',
    '0hwCADTSHAIANNIcAgA00hwCADTSHAIANNIcAgA00hwCADTSHAIANNIcAgA00hwCADXSHAIANdIcAgA10hwCADXSHAIANdIc',
    'AgA10hwCADXSHAIANdIcAgA10hwCADXSHAIANtIcAgA20hwCADbSHAIANtIcAgA20hwCADbSHAIANtIcAgA20hwCADbSHAIA',
    'NtIcAgA30hwCADfSHAIAN9IcAgA30hwCADfSHAIAN9IcAgA30hwCADfSHAIAN9IcAgA30hwCADjSHAIAONIcAgA40hwCADjS',
    'HAIAONIcAgA40hwCADjSHAIAONIcAgA40hwCADjSHAIAOdIcAgA50hwCADnSHAIAOdIcAgA50hwCADnSHAIAOdIcAgA50hwC',
    'ADnSHAIAOdIcAgAw0hwCADDSHAIAMNIcAgAw0hwCADDSHAIAMNIcAgAw0hwCADDSHAIAMNIcAgAw0hwCADHSHAIAMdIcAgAx',
    '0hwCADHSHAL+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+',
    'GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+',
    'GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+',
    'GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+',
    'GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+',
    'GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+',
    'GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBX+GBXSGBU=',
  ].join(''),
  xerialJava1k: [
    'glNOQVBQWQAAAAABAAAAAQAAAJSACKBsaW5lIDAwMDAgdGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIAEfIGxhenkg',
    'ZG9nChE2ADHSNgAAMtI2AAAz0jYAADTSNgAANdI2AAA20jYAADfSNgAAONI2AAA5zjYAADHSHAIAMdIcAgAx0hwCADHSHAIA',
    'MdIcAgAx0hwCADHSHAIAMdIcAgAxrhwCAAAAk4AIqGcKbGluZSAwMDE5IHRoZSBxdWljayBicm93biBmb3gganVtcHMgb3Zl',
    'ciABHxhsYXp5IGRvFTYEMjDSNgAAMdI2AAAy0jYAADPSNgAANNI2AAA10jYAADbSNgAAN9I2AAA40jYA0hwCADPSHAIAM9Ic',
    'AgAz0hwCADPSHAIAM9IcAgAz0hwCADPSHAIAM6YcAgAAAJSACLBkb2cKbGluZSAwMDM4IHRoZSBxdWljayBicm93biBmb3gg',
    'anVtcHMgb3ZlciABHxBsYXp5IC42AAA5zjYABDQw0jYAADHSNgAAMtI2AAAz0jYAADTSNgAANdI2AAA20jYAADfSNgDSHAIA',
    'NNIcAgA10hwCADXSHAIANdIcAgA10hwCADXSHAIANdIcAgA1nhwCAAAAlIAIuHkgZG9nCmxpbmUgMDA1NyB0aGUgcXVpY2sg',
    'YnJvd24gZm94IGp1bXBzIG92ZXIgAR8IbGF6NjYAADjSNgAAOc42AAQ2MNI2AAAx0jYAADLSNgAAM9I2AAA00jYAADXSNgAA',
    'NtI2ANIcAgA20hwCADbSHAIAN9IcAgA30hwCADfSHAIAN9IcAgA30hwCADeWHAIAAACUgAjAYXp5IGRvZwpsaW5lIDAwNzYg',
    'dGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIAEfAGw+NgAAN9I2AAA40jYAADnONgAEODDSNgAAMdI2AAAy0jYAADPS',
    'NgAANNI2AAA10jYA0hwCADjSHAIAONIcAgA40hwCADnSHAIAOdIcAgA50hwCADnSHAIAOY4cAgAAAE+YAsggbGF6eSBkb2cK',
    'bGluZSAwMDk1IHRoZSBxdWljayBicm93biBmb3gganVtcHMgb3ZlciABH0I2AAA20jYAADfSNgAAONI2AAA5sjYA',
  ].join(''),
};
