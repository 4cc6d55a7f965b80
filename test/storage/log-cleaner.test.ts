import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {Compression} from '../../src/protocol/records/batch.js';
import {decodeBatches, encodeBatch, type EncodeOptions} from '../../src/protocol/records/records.js';
import {LogCleaner} from '../../src/storage/log-cleaner.js';
import {PartitionLog} from '../../src/storage/partition-log.js';
import {validateTopicConfig} from '../../src/storage/topic-config.js';
import {fillDisk} from '../helpers/failing-disk.js';

let dir: string;
let log: PartitionLog;

const COMPACT = {'cleanup.policy': 'compact', 'segment.bytes': '300'};

function openLog(overrides: Record<string, string> = COMPACT): PartitionLog {
  log = PartitionLog.open(dir, validateTopicConfig(overrides));
  return log;
}

function cleaner(dedupeBufferSize?: number): LogCleaner {
  return new LogCleaner(() => [{name: 't-0', log}], {dedupeBufferSize, log: (line) => expect.fail(line)});
}

async function produce(pairs: Array<[string | null, string | null]>, opts: EncodeOptions = {}): Promise<void> {
  const batch = await encodeBatch(pairs.map(([key, value]) => ({key, value})), opts);
  log.append(batch, {leaderEpoch: 0});
}

async function readAll(from = log.logStartOffset): Promise<Array<{offset: number; key: string | null; value: string | null}>> {
  const chunk = log.read(from, Number.MAX_SAFE_INTEGER, log.logEndOffset);
  if (chunk === 'out-of-range') throw new Error('out of range');
  const batches = await decodeBatches(Buffer.concat(chunk));
  return batches.flatMap((b) => b.records.map((r) => ({offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null})));
}

/** Each key's last value, as a consumer building a table from the topic sees it. */
function table(records: Array<{key: string | null; value: string | null}>): Record<string, string | null> {
  return Object.fromEntries(records.map((r) => [r.key, r.value]));
}

async function fill(rounds: number, keys: number, opts: EncodeOptions = {}): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < keys; k++) await produce([[`k${k}`, `v${round}-${k}`]], opts);
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-cleaner-'));
});

afterEach(() => {
  if (!log.isClosed) log.close();
  fs.rmSync(dir, {recursive: true, force: true});
});

describe('log cleaner', () => {
  it('keeps the last record of each key in closed segments, with their offsets, and leaves the active segment alone', async () => {
    openLog();
    await fill(5, 4);
    const before = await readAll();
    const activeBase = log.segmentBaseOffsets().at(-1)!;
    const result = await cleaner().cleanOnce();
    expect(result?.recordsRemoved).toBeGreaterThan(0);

    const after = await readAll();
    expect(table(after)).toEqual(table(before));
    // Offsets are the original ones; only superseded records went.
    const original = new Map(before.map((r) => [r.offset, r]));
    for (const r of after) expect(original.get(r.offset)).toEqual(r);
    const cleaned = after.filter((r) => r.offset < activeBase);
    expect(new Set(cleaned.map((r) => r.key)).size).toBe(cleaned.length);
    expect(after.filter((r) => r.offset >= activeBase)).toEqual(before.filter((r) => r.offset >= activeBase));
    expect(log.logEndOffset).toBe(20);

    // A fetch from an offset that is now a gap returns the next record after it.
    const gap = before.find((r) => !after.some((a) => a.offset === r.offset))!.offset;
    expect((await readAll(gap))[0].offset).toBeGreaterThan(gap);

    // The rewritten segments reopen (indexes rebuilt) and take appends.
    log.close();
    openLog();
    expect(await readAll()).toEqual(after);
    await produce([['k0', 'new']]);
    expect(table(await readAll()).k0).toBe('new');
    expect(log.logEndOffset).toBe(21);
  });

  it('cleans again only when the dirty share passes min.cleanable.dirty.ratio', async () => {
    openLog({...COMPACT, 'min.cleanable.dirty.ratio': '0.9'});
    await fill(4, 4);
    const c = cleaner();
    expect(await c.cleanOnce()).toBeDefined();
    expect(log.cleanerCheckpoint).toBe(log.segmentBaseOffsets().at(-1));
    await produce([['k1', 'later']]);
    await produce([['k2', 'later']]);
    // A little dirt over a large clean section: below the ratio.
    expect(await c.cleanOnce()).toBeUndefined();
  });

  it('waits for min.compaction.lag.ms, and max.compaction.lag.ms overrides the ratio', async () => {
    openLog({...COMPACT, 'min.compaction.lag.ms': '60000'});
    await fill(3, 3);
    const c = cleaner();
    expect(await c.cleanOnce()).toBeUndefined();
    expect(await c.cleanOnce(Date.now() + 61_000)).toBeDefined();

    log.close();
    fs.rmSync(dir, {recursive: true, force: true});
    openLog({...COMPACT, 'min.cleanable.dirty.ratio': '1', 'max.compaction.lag.ms': '60000'});
    await fill(3, 3);
    expect(await c.cleanOnce()).toBeUndefined();
    expect(await c.cleanOnce(Date.now() + 61_000)).toBeDefined();
  });

  it('keeps a tombstone for delete.retention.ms after the pass that first kept it, then drops it', async () => {
    openLog({...COMPACT, 'delete.retention.ms': '60000'});
    await fill(2, 3);
    await produce([['k1', null]]);
    await fill(1, 1); // k0 again, so the tombstone's segment closes
    await produce([['k0', 'last']]);
    const c = cleaner();
    const t0 = Date.now();
    await c.cleanOnce(t0);
    let records = await readAll();
    expect(records.filter((r) => r.key === 'k1')).toEqual([expect.objectContaining({value: null})]);
    // Still there just before the horizon; a pass falls due when the horizon passes.
    expect(await c.cleanOnce(t0 + 59_000)).toBeUndefined();
    expect(await c.cleanOnce(t0 + 60_000)).toBeDefined();
    records = await readAll();
    expect(records.some((r) => r.key === 'k1')).toBe(false);
    expect(table(records)).toMatchObject({k0: 'last', k2: 'v1-2'});
  });

  it('re-bases record timestamps on the delete horizon so clients still read the producer times', async () => {
    openLog({...COMPACT, 'segment.bytes': '100', 'delete.retention.ms': '60000'});
    await produce([['a', 'x'], ['b', null]], {baseTimestamp: 1_700_000_000_000});
    await produce([['a', 'y']]);
    await produce([['c', 'z']]);
    await cleaner().cleanOnce();
    const [first] = await decodeBatches(Buffer.concat(log.read(0, 1 << 20) as Buffer[]));
    expect(first.records.map((r) => [r.key?.toString(), r.timestamp])).toEqual([['b', 1_700_000_000_000]]);
    expect(first.header.attributes & 0x40).toBe(0x40);
  });

  it("keeps an idempotent producer's last batch, emptied, so its sequence survives", async () => {
    openLog();
    const producer = {producerId: 7, producerEpoch: 0};
    for (let seq = 0; seq < 3; seq++) await produce([['k', `p${seq}`]], {...producer, baseSequence: seq});
    await produce([['k', 'plain']]);
    await produce([['other', 'x']]);
    await cleaner().cleanOnce();
    const batches = await decodeBatches(Buffer.concat(log.read(0, 1 << 20) as Buffer[]));
    const ofProducer = batches.filter((b) => b.header.producerId === 7);
    expect(ofProducer.map((b) => [b.header.baseOffset, b.header.baseSequence, b.records.length])).toEqual([[2, 2, 0]]);
    expect(table(await readAll())).toEqual({k: 'plain', other: 'x'});
  });

  it('compacts compressed batches and keeps their codec', async () => {
    openLog({'cleanup.policy': 'compact', 'segment.bytes': '400'});
    for (let round = 0; round < 4; round++) await produce([['a', `a${round}`], ['b', `b${round}`], ['c', `c${round}`]], {compression: Compression.gzip});
    await produce([['d', 'x']], {compression: Compression.gzip});
    await cleaner().cleanOnce();
    const batches = await decodeBatches(Buffer.concat(log.read(0, 1 << 20) as Buffer[]));
    expect(batches.every((b) => (b.header.attributes & 7) === Compression.gzip)).toBe(true);
    expect(table(await readAll())).toEqual({a: 'a3', b: 'b3', c: 'c3', d: 'x'});
    expect((await readAll()).length).toBeLessThan(13);
  });

  it('works within a small dedupe buffer: a pass maps what fits and the next goes on', async () => {
    openLog({...COMPACT, 'min.cleanable.dirty.ratio': '0'});
    await fill(3, 10);
    const before = table(await readAll());
    const c = cleaner(24 * 5);
    const first = await c.cleanOnce();
    expect(first!.cleanedTo).toBeLessThan(log.segmentBaseOffsets().at(-1)!);
    for (let i = 0; i < 20 && (await c.cleanOnce()); i++);
    expect(log.cleanerCheckpoint).toBe(log.segmentBaseOffsets().at(-1));
    expect(table(await readAll())).toEqual(before);
  });

  it('does not touch delete-policy topics and keeps retention off compact-only topics', async () => {
    openLog({'segment.bytes': '300'});
    await fill(3, 3);
    expect(await cleaner().cleanOnce()).toBeUndefined();
    log.close();
    fs.rmSync(dir, {recursive: true, force: true});
    openLog({...COMPACT, 'retention.ms': '1'});
    await fill(3, 3);
    expect(log.enforceRetention(Date.now() + 10_000)).toBe(0);
  });

  it('drops its work when the log changes under a pass (a follower truncating) and cleans it later', async () => {
    openLog();
    await fill(4, 4);
    const c = cleaner();
    const pass = c.cleanOnce();
    // The pass is reading; the log is cut back below its segments meanwhile.
    log.truncateTo(5);
    expect(await pass).toBeUndefined();
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.cleaned') || f.endsWith('.swap'))).toEqual([]);
    expect((await readAll()).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
    await fill(3, 4);
    expect(await c.cleanOnce()).toBeDefined();
    expect(table(await readAll())).toEqual({k0: 'v2-0', k1: 'v2-1', k2: 'v2-2', k3: 'v2-3'});
  });

  it('loses nothing when the disk fills during a pass, and cleans once there is space', async () => {
    openLog();
    await fill(4, 4);
    const before = await readAll();
    const lines: string[] = [];
    const c = new LogCleaner(() => [{name: 't-0', log}], {log: (line) => lines.push(line)});
    const disk = fillDisk({allowBytes: 100});
    try {
      expect(await c.cleanOnce()).toBeUndefined();
    } finally {
      disk.restore();
    }
    expect(lines.join('\n')).toMatch(/t-0: ENOSPC.*trying again/);
    // Segments swapped before the disk filled are cleaned, the rest are as they were.
    const partly = await readAll();
    expect(table(partly)).toEqual(table(before));
    expect(before).toEqual(expect.arrayContaining(partly));
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.cleaned') || f.endsWith('.swap'))).toEqual([]);
    expect(await c.cleanOnce()).toBeDefined();
    expect(table(await readAll())).toEqual(table(before));
  });

  describe('crash during a swap', () => {
    it('discards a half-written .cleaned segment at start-up', async () => {
      openLog();
      await fill(3, 3);
      const before = await readAll();
      const first = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.log'))!);
      fs.writeFileSync(`${first}.cleaned`, Buffer.from('torn'));
      log.close();
      openLog();
      expect(fs.readdirSync(dir).some((f) => f.endsWith('.cleaned'))).toBe(false);
      expect(await readAll()).toEqual(before);
    });

    it('finishes a swap whose cleaned segment was committed (.swap) but not renamed', async () => {
      openLog();
      await fill(3, 3);
      // A real cleaned copy, taken from a second log directory that the cleaner compacted.
      const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-cleaner-copy-'));
      fs.cpSync(dir, copyDir, {recursive: true});
      await cleaner().cleanOnce();
      const cleanedRecords = await readAll();
      const cleanedFirst = fs.readFileSync(path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.log'))!));
      log.close();
      // Back to the old files, plus the committed .swap: the state after the commit point.
      fs.rmSync(dir, {recursive: true, force: true});
      fs.cpSync(copyDir, dir, {recursive: true});
      fs.rmSync(copyDir, {recursive: true, force: true});
      const firstLog = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.log'))!);
      fs.writeFileSync(`${firstLog}.swap`, cleanedFirst);
      openLog();
      expect(fs.readdirSync(dir).some((f) => f.endsWith('.swap'))).toBe(false);
      const records = await readAll();
      expect(records.filter((r) => r.offset < 3)).toEqual(cleanedRecords.filter((r) => r.offset < 3));
      expect(table(records)).toEqual(table(cleanedRecords));
    });
  });
});
