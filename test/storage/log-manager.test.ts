import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {LogManager} from '../../src/storage/log-manager.js';
import {baseOffsetOf, makeBatch} from './batches.js';

let dataDir: string;
let mgr: LogManager;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as {code?: string}).code;
  }
  throw new Error('did not throw');
}

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-logs-'));
  mgr = LogManager.open(dataDir);
});

afterEach(() => {
  mgr.close();
  fs.rmSync(dataDir, {recursive: true, force: true});
});

describe('LogManager', () => {
  it('creates topics with partition logs and metadata, and reopens them', () => {
    const info = mgr.createTopic('cars.status', 3, {'retention.ms': '3600000'});
    expect(info).toMatchObject({name: 'cars.status', partitions: 3, overrides: {'retention.ms': '3600000'}});
    expect(info.config.retentionMs).toBe(3600000);
    expect(info.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fs.existsSync(path.join(dataDir, '__topics', 'cars.status.json'))).toBe(true);
    for (const p of [0, 1, 2]) expect(fs.existsSync(path.join(dataDir, `cars.status-${p}`))).toBe(true);
    mgr.partition('cars.status', 1)!.append(makeBatch(3), {leaderEpoch: 0});
    mgr.createTopic('a', 1);
    expect(mgr.topics().map((t) => t.name)).toEqual(['a', 'cars.status']);
    expect(mgr.partition('cars.status', 3)).toBeUndefined();
    expect(mgr.partition('nope', 0)).toBeUndefined();

    mgr.close();
    mgr = LogManager.open(dataDir);
    expect(mgr.topic('cars.status')).toEqual(info);
    const log = mgr.partition('cars.status', 1)!;
    expect(log.logEndOffset).toBe(3);
    const got = log.read(0, 1000);
    expect(got !== 'out-of-range' && got.map(baseOffsetOf)).toEqual([0]);
  });

  it('rejects bad creates with Kafka error names', () => {
    mgr.createTopic('t', 1);
    expect(codeOf(() => mgr.createTopic('t', 1))).toBe('TOPIC_ALREADY_EXISTS');
    for (const bad of ['', '.', '..', 'a b', 'x/y', 'é', 'a'.repeat(250)]) {
      expect(codeOf(() => mgr.createTopic(bad, 1))).toBe('INVALID_TOPIC_EXCEPTION');
    }
    expect(() => mgr.createTopic('a'.repeat(249), 1)).not.toThrow();
    mgr.createTopic('my.topic', 1);
    expect(codeOf(() => mgr.createTopic('my_topic', 1))).toBe('INVALID_TOPIC_EXCEPTION');
    expect(codeOf(() => mgr.createTopic('u', 0))).toBe('INVALID_PARTITIONS');
    expect(codeOf(() => mgr.createTopic('u', 1.5))).toBe('INVALID_PARTITIONS');
    expect(codeOf(() => mgr.createTopic('u', 1, {'cleanup.policy': 'shred'}))).toBe('INVALID_CONFIG');
    expect(codeOf(() => mgr.createTopic('u', 1, {'no.such.config': '1'}))).toBe('INVALID_CONFIG');
    expect(mgr.topic('u')).toBeUndefined();
    expect(fs.existsSync(path.join(dataDir, 'u-0'))).toBe(false);
    expect(() => mgr.validateNewTopic('v', 2, {})).not.toThrow();
    expect(mgr.topic('v')).toBeUndefined();
  });

  it('deletes a topic with its data; a new topic of the same name starts empty', () => {
    mgr.createTopic('gone', 2);
    mgr.partition('gone', 0)!.append(makeBatch(5), {leaderEpoch: 0});
    mgr.deleteTopic('gone');
    expect(mgr.topic('gone')).toBeUndefined();
    expect(fs.existsSync(path.join(dataDir, 'gone-0'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, '__topics', 'gone.json'))).toBe(false);
    expect(codeOf(() => mgr.deleteTopic('gone'))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    mgr.createTopic('gone', 1);
    expect(mgr.partition('gone', 0)!.logEndOffset).toBe(0);
    mgr.close();
    mgr = LogManager.open(dataDir);
    expect(mgr.topic('gone')?.partitions).toBe(1);
  });

  it('adds partitions but never removes them', () => {
    mgr.createTopic('grow', 2);
    expect(codeOf(() => mgr.addPartitions('grow', 2))).toBe('INVALID_PARTITIONS');
    expect(codeOf(() => mgr.addPartitions('grow', 1))).toBe('INVALID_PARTITIONS');
    expect(codeOf(() => mgr.addPartitions('missing', 3))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    mgr.addPartitions('grow', 5);
    expect(mgr.topic('grow')?.partitions).toBe(5);
    expect(mgr.partition('grow', 4)).toBeDefined();
    mgr.close();
    mgr = LogManager.open(dataDir);
    expect(mgr.topic('grow')?.partitions).toBe(5);
    expect(mgr.partition('grow', 4)?.logEndOffset).toBe(0);
  });

  it('replaces config overrides as a whole and applies them to the logs', () => {
    mgr.createTopic('cfg', 1, {'retention.ms': '1000', 'segment.bytes': '300'});
    for (let i = 0; i < 4; i++) mgr.partition('cfg', 0)!.append(makeBatch(2, {timestamp: 1000, valueSize: 100}), {leaderEpoch: 0});
    expect(codeOf(() => mgr.alterConfig('cfg', {'compression.type': 'brotli'}))).toBe('INVALID_CONFIG');
    expect(mgr.topic('cfg')?.overrides).toEqual({'retention.ms': '1000', 'segment.bytes': '300'});
    mgr.alterConfig('cfg', {'retention.ms': '-1'});
    expect(mgr.topic('cfg')?.overrides).toEqual({'retention.ms': '-1'});
    expect(mgr.enforceRetention(1e13)).toBe(0);
    mgr.alterConfig('cfg', {'retention.ms': '10'});
    expect(mgr.enforceRetention(1e13)).toBe(3);
    mgr.close();
    mgr = LogManager.open(dataDir);
    expect(mgr.topic('cfg')?.config.retentionMs).toBe(10);
    expect(mgr.partition('cfg', 0)?.logStartOffset).toBe(6);
  });

  it('runs retention on a timer until stopped', async () => {
    mgr.createTopic('r', 1, {'retention.ms': '1', 'segment.bytes': '200'});
    const log = mgr.partition('r', 0)!;
    for (let i = 0; i < 3; i++) log.append(makeBatch(2, {timestamp: 1000, valueSize: 100}), {leaderEpoch: 0});
    expect(log.segmentBaseOffsets().length).toBe(3);
    mgr.startRetention(10);
    await new Promise((r) => setTimeout(r, 100));
    mgr.stop();
    expect(log.segmentBaseOffsets()).toEqual([4]);
  });

  it('cleans up at start-up what a kill -9 during a topic delete left behind', () => {
    mgr.createTopic('gone', 3);
    mgr.createTopic('kept', 2);
    for (const t of ['gone', 'kept']) mgr.partition(t, 0)!.append(makeBatch(2), {leaderEpoch: 0});
    mgr.close();
    // Killed mid-delete: the metadata (the commit point) is gone, one partition was renamed for
    // deletion and half removed, the others were not reached yet. Plus a partition beyond
    // kept's count, as an interrupted add-partitions leaves it.
    fs.rmSync(path.join(dataDir, '__topics', 'gone.json'));
    const doomed = path.join(dataDir, 'gone-0.5f1c2e9a0b7d4e3f8a6b1c2d3e4f5a6b-delete');
    fs.renameSync(path.join(dataDir, 'gone-0'), doomed);
    fs.rmSync(path.join(doomed, '00000000000000000000.index'));
    fs.mkdirSync(path.join(dataDir, 'kept-7'));
    // Not a partition log, though named like one: left alone.
    fs.mkdirSync(path.join(dataDir, 'backup-2024'));
    fs.writeFileSync(path.join(dataDir, 'backup-2024', 'notes.txt'), 'mine\n');

    mgr = LogManager.open(dataDir);
    expect(fs.readdirSync(dataDir).sort()).toEqual(['__topics', 'backup-2024', 'kept-0', 'kept-1']);
    expect(mgr.partition('kept', 0)!.logEndOffset).toBe(2);
    expect(mgr.topic('gone')).toBeUndefined();
  });
});
