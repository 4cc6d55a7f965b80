/**
 * Produce on a full disk, through the failing seam: the partition answers KAFKA_STORAGE_ERROR
 * (56) on an open connection, keeps nothing of the refused batch, and takes writes again as soon
 * as space returns, with no restart; an idempotent retry of the refused batch lands exactly once.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {decodeBatches, encodeBatch} from '../../src/protocol/records/records.js';
import {startBroker} from '../helpers/broker.js';
import {fillDisk, type FullDisk} from '../helpers/failing-disk.js';

let broker: Broker;
let conn: WireConnection;
let disk: FullDisk | undefined;

beforeAll(async () => {
  ({broker} = await startBroker());
  await broker.createTopic('p', 1, {});
  const {host, port} = broker.advertised;
  conn = await WireConnection.connect(host, port);
});
afterEach(() => {
  disk?.restore();
  disk = undefined;
});
afterAll(async () => {
  conn.close();
  await broker.close();
});

async function produce(batch: Buffer) {
  const res = await conn.request(Produce, 8, {transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{name: 'p', partitionData: [{index: 0, records: batch}]}]});
  return res.responses[0].partitionResponses[0];
}

async function values(): Promise<string[]> {
  const log = broker.logs.partition('p', 0)!;
  const got = log.read(0, 1 << 30, log.logEndOffset);
  if (got === 'out-of-range') throw new Error('out of range');
  return (await decodeBatches(Buffer.concat(got))).flatMap((b) => b.records.map((r) => `${r.offset}:${r.value}`));
}

describe('Produce on a full disk', () => {
  it('answers KAFKA_STORAGE_ERROR, keeps nothing of the batch, and accepts the retry once space returns', async () => {
    const big = await encodeBatch([{value: 'x'.repeat(4200)}], {producerId: 7, producerEpoch: 0, baseSequence: 0});
    expect(await produce(big)).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 0});

    const line = await encodeBatch([{value: 'ONE-SMALL-LINE'}], {producerId: 7, producerEpoch: 0, baseSequence: 1});
    disk = fillDisk({allowBytes: 20});
    for (let attempt = 0; attempt < 8; attempt++) {
      const refused = await produce(Buffer.from(line));
      expect(refused.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
      expect(ErrorCode.KAFKA_STORAGE_ERROR).toBe(56);
      expect(refused.errorMessage).toMatch(/ENOSPC/);
    }
    expect(broker.logs.partition('p', 0)!.logEndOffset).toBe(1);

    disk.free();
    expect(await produce(Buffer.from(line))).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 1});
    // The same batch again (a producer that missed the answer) is recognised, not appended.
    expect(await produce(Buffer.from(line))).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 1});
    expect(await values()).toEqual([`0:${'x'.repeat(4200)}`, '1:ONE-SMALL-LINE']);
  });
});
