/**
 * The broker's own stores on a full disk (the failing seam of src/lib/fs.ts): a refused offset
 * commit is not acknowledged and leaves no torn line, commits go through again once space
 * returns, and a restart finds exactly the acknowledged ones; the producer-state snapshot and
 * the producer id block fail without taking anything else down.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {ProducerStates} from '../../src/broker/producer-states.js';
import {FakeClock} from '../../src/coordinator/clock.js';
import {GroupCoordinator} from '../../src/coordinator/group-coordinator.js';
import {FileGroupStore, GROUP_LOG_FILE} from '../../src/coordinator/group-store.js';
import {PRODUCER_STATE_FILE, ProducerIdManager} from '../../src/coordinator/producer-state.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {PartitionLog} from '../../src/storage/partition-log.js';
import {validateTopicConfig} from '../../src/storage/topic-config.js';
import {tempDir} from '../helpers/broker.js';
import {fillDisk, type FullDisk} from '../helpers/failing-disk.js';

let disk: FullDisk | undefined;
afterEach(() => {
  disk?.restore();
  disk = undefined;
});

function coordinator(dir: string, opts: ConstructorParameters<typeof FileGroupStore>[1] = {}) {
  const errors: unknown[] = [];
  const gc = new GroupCoordinator({clock: new FakeClock(1_700_000_000_000), store: new FileGroupStore(dir, opts), initialRebalanceDelayMs: 0, onStoreError: (e) => errors.push(e)});
  const commit = (offset: number) => gc.commitOffsets({groupId: 'g', memberId: '', generationId: -1, offsets: [{topic: 't', partition: 0, offset, metadata: ''}]})[0].errorCode;
  const committed = () => gc.fetchOffsets('g', [{topic: 't', partition: 0}]).offsets[0].offset;
  return {gc, commit, committed, errors};
}

describe('offset store on a full disk', () => {
  it('refuses a commit it cannot write whole, takes commits again once space returns, and restarts with the acknowledged ones', () => {
    const dir = tempDir('groups-full');
    const file = path.join(dir, GROUP_LOG_FILE);
    for (const allowBytes of [0, 10, 40]) {
      const first = coordinator(dir);
      expect(first.commit(100)).toBe(ErrorCode.NONE);
      const size = fs.statSync(file).size;
      disk = fillDisk({allowBytes});
      expect(first.commit(200)).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      expect(first.errors).toHaveLength(1);
      expect(first.committed()).toBe(100);
      expect(fs.statSync(file).size).toBe(size);
      disk.free();
      expect(first.commit(300)).toBe(ErrorCode.NONE);
      first.gc.close();
      disk.restore();

      const second = coordinator(dir);
      expect(second.committed()).toBe(300);
      // Every line whole: nothing a later load would have to skip.
      expect((second.gc as unknown as {store: FileGroupStore}).store.skippedLines).toBe(0);
      second.gc.close();
    }
  });

  it('keeps the old log when a compaction has no room, and still acknowledges the commit', () => {
    const dir = tempDir('groups-compact-full');
    const first = coordinator(dir, {compactMinBytes: 500, compactRatio: 2});
    for (let i = 0; i < 3; i++) expect(first.commit(i)).toBe(ErrorCode.NONE);
    // Lines of ~130 bytes: the 4th reaches 500. Room for it, not for the compacted copy.
    const line = fs.statSync(path.join(dir, GROUP_LOG_FILE)).size / 3;
    disk = fillDisk({allowBytes: Math.ceil(line) + 5, shortWrites: false});
    expect(first.commit(3)).toBe(ErrorCode.NONE);
    expect(disk.refused).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([GROUP_LOG_FILE]);
    disk.free();
    first.gc.close();
    const second = coordinator(dir);
    expect(second.committed()).toBe(3);
    second.gc.close();
  });
});

describe('producer state and producer ids on a full disk', () => {
  it('reports a snapshot it cannot write instead of throwing, and keeps the previous one', () => {
    const dir = tempDir('pstate-full');
    const log = PartitionLog.open(path.join(dir, 't-0'), validateTopicConfig({}));
    const lines: string[] = [];
    const states = new ProducerStates((l) => lines.push(l));
    states.forLog(log).record(5, 0, 0, 0, 0, 0, 1);
    states.snapshotAll();
    const snapshot = fs.readFileSync(path.join(log.dir, PRODUCER_STATE_FILE), 'utf8');
    states.forLog(log).record(5, 0, 1, 1, 1, 1, 2);
    disk = fillDisk();
    expect(() => states.snapshotAll()).not.toThrow();
    expect(lines.join('\n')).toMatch(/producer state snapshot .* not written: ENOSPC/);
    expect(fs.readFileSync(path.join(log.dir, PRODUCER_STATE_FILE), 'utf8')).toBe(snapshot);
    disk.free();
    states.close();
    log.close();
  });

  it('hands out no producer id whose block it could not reserve', () => {
    const dir = tempDir('pids-full');
    const ids = ProducerIdManager.open(dir, 10);
    expect(ids.nextProducerId()).toBe(0);
    for (let i = 1; i < 10; i++) ids.nextProducerId();
    disk = fillDisk();
    expect(() => ids.nextProducerId()).toThrow(/ENOSPC/);
    disk.free();
    expect(ids.nextProducerId()).toBe(10);
    expect(ProducerIdManager.open(dir, 10).nextProducerId()).toBe(20);
  });
});
