/**
 * A producer keeps many Produce requests in flight on one connection, and the socket delivers
 * them in read chunks that split frames anywhere. Every record must land once, in order, intact,
 * also while a compressed batch's append waits for its decompression and later frames arrive.
 */
import net from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {encode, isFlexible} from '../../src/protocol/codec.js';
import {writeRequestHeader} from '../../src/protocol/header.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {Compression} from '../../src/protocol/records/batch.js';
import {decodeBatches, encodeBatch} from '../../src/protocol/records/records.js';
import {Writer} from '../../src/protocol/writer.js';
import {startBroker} from '../helpers/broker.js';

let broker: Broker;
let socket: net.Socket;

beforeAll(async () => {
  ({broker} = await startBroker());
  await broker.createTopic('pipelined', 1, {});
  const {host, port} = broker.advertised;
  socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({host, port}, () => resolve(s));
    s.once('error', reject);
  });
});
afterAll(async () => {
  socket.destroy();
  await broker.close();
});

function produceFrame(correlationId: number, acks: number, records: Buffer): Buffer {
  const w = new Writer();
  const size = w.reserveInt32();
  writeRequestHeader(w, {apiKey: 0, apiVersion: 9, correlationId, clientId: 'pipelined'}, isFlexible(Produce.request, 9));
  encode(Produce.request, 9, {transactionalId: null, acks, timeoutMs: 30_000, topicData: [{name: 'pipelined', partitionData: [{index: 0, records}]}]}, w);
  size.set(w.length - 4);
  return w.toBuffer();
}

/** Resolves once `n` response frames arrived. */
function responses(n: number): Promise<void> {
  let pending = Buffer.alloc(0);
  let seen = 0;
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        pending = pending.subarray(4 + pending.readInt32BE(0));
        if (++seen === n) {
          socket.off('data', onData);
          resolve();
        }
      }
    };
    socket.on('data', onData);
  });
}

describe('pipelined Produce requests on one connection', () => {
  it('stores every batch intact when frames of different sizes arrive back to back', async () => {
    const values: string[] = [];
    const frames: Buffer[] = [];
    let answered = 0;
    for (let i = 0; i < 40; i++) {
      // Sizes from 30 KB to ~900 KB, growing and shrinking, so frames both fit and outgrow a reused buffer.
      const size = 30_000 + ((i * 7919) % 29) * 30_000;
      const count = 1 + (i % 4);
      const batch = Array.from({length: count}, (_, r) => `${String(i).padStart(3, '0')}-${r}-`.padEnd(size / count, String.fromCharCode(97 + ((i + r) % 26))));
      values.push(...batch);
      // Every fifth batch is compressed: its append waits for decompression while later frames arrive.
      const records = await encodeBatch(batch.map((value) => ({value})), {compression: i % 5 === 4 ? Compression.gzip : Compression.none});
      const acks = i % 7 === 3 ? 0 : 1;
      if (acks !== 0) answered++;
      frames.push(produceFrame(i + 1, acks, records));
    }
    const done = responses(answered);
    // One write: the frames reach the broker in read chunks that split them anywhere.
    socket.write(Buffer.concat(frames));
    await done;

    const log = broker.logs.partition('pipelined', 0)!;
    expect(log.logEndOffset).toBe(values.length);
    const stored = log.read(0, Number.MAX_SAFE_INTEGER);
    if (stored === 'out-of-range') throw new Error('out of range');
    const batches = await decodeBatches(Buffer.concat(stored));
    const got = batches.flatMap((b) => b.records.map((r) => r.value?.toString() ?? null));
    expect(got.length).toBe(values.length);
    // Compared one by one: a mismatch names the first record that came out wrong.
    got.forEach((v, i) => expect(v, `record ${i}`).toBe(values[i]));
  });
});
