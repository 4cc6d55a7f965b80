/**
 * A drain whose log holds a batch no consumer can decode (one stored before the broker
 * validated batches: recordsCount 1000 with one record inside, CRC intact) no longer stalls:
 * the records around it reach the sink, the damaged batch goes whole to the dead-letter topic
 * with its offsets, the status names those offsets, and the group commits past it.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {computeBatchCrc, Off} from '../../src/protocol/records/batch.js';
import {encodeBatch} from '../../src/protocol/records/records.js';
import {DEAD_LETTER_HEADERS} from '../../src/sinks/dead-letter.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {kcollect} from '../helpers/cli.js';
import {header, readTopic} from '../helpers/kafka.js';

let broker: Broker;
let bootstrap: string;

beforeAll(async () => {
  ({broker, bootstrap} = await startBroker());
});
afterAll(async () => {
  await broker.close();
});

async function lyingBatch(): Promise<Buffer> {
  const batch = Buffer.from(await encodeBatch([{value: 'inside-the-lie'}]));
  batch.writeInt32BE(1000, Off.recordsCount);
  batch.writeInt32BE(999, Off.lastOffsetDelta);
  batch.writeUInt32BE(computeBatchCrc(batch), Off.crc);
  return batch;
}

describe('a drain meeting an undecodable batch', () => {
  it('writes the records around it, dead-letters it with its offsets, reports them, and finishes', async () => {
    await broker.createTopic('damaged', 1, {});
    // Stored directly, as a broker before validation would have stored them.
    const log = broker.logs.partition('damaged', 0)!;
    log.append(await encodeBatch([{value: 'a'}, {value: 'b'}]), {leaderEpoch: 0});
    log.append(await lyingBatch(), {leaderEpoch: 0});
    log.append(await encodeBatch([{value: 'c'}, {value: 'd'}]), {leaderEpoch: 0});
    expect(log.logEndOffset).toBe(1004);

    const outDir = tempDir('undecodable-out');
    const r = await kcollect(bootstrap, ['consume', 'damaged', '--group', 'loader', '--to', 'file', '--out-dir', outDir, '--exit'], {timeoutMs: 90_000});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/undecodable batch\(es\) dead-lettered, the last at partition 0 offsets 2\.\.1001: .*recordsCount/);

    const lines = fs.readdirSync(outDir).sort().flatMap((f) => fs.readFileSync(path.join(outDir, f), 'utf8').split('\n').slice(0, -1));
    expect(lines).toEqual(['a', 'b', 'c', 'd']);

    const letters = await readTopic(bootstrap, 'damaged.dlq');
    expect(letters).toHaveLength(1);
    expect(header(letters[0], DEAD_LETTER_HEADERS.offset)).toBe('2');
    expect(header(letters[0], DEAD_LETTER_HEADERS.partition)).toBe('0');
    expect(header(letters[0], DEAD_LETTER_HEADERS.reason)).toMatch(/^undecodable record batch at offsets 2\.\.1001: /);
    expect(letters[0].value!.includes(Buffer.from('inside-the-lie'))).toBe(true);

    expect(broker.groups.fetchOffsets('loader', [{topic: 'damaged', partition: 0}]).offsets[0].offset).toBe(1004);
  });

  it('ends `consume --group` with one line and a hint instead of waiting forever', async () => {
    await broker.createTopic('damaged-print', 1, {});
    const log = broker.logs.partition('damaged-print', 0)!;
    log.append(await lyingBatch(), {leaderEpoch: 0});
    const r = await kcollect(bootstrap, ['consume', 'damaged-print', '--group', 'printer', '--exit'], {timeoutMs: 90_000});
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^kcollect: consume damaged-print as group printer stopped after 0 record\(s\): .+\n  hint: a damaged batch may follow/);
    // Without a group, the reader names the batch.
    const plain = await kcollect(bootstrap, ['consume', 'damaged-print', '--exit']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/batch at offset 0 .*recordsCount 1000/);
  });
});
