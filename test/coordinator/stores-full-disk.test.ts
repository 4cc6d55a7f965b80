/**
 * The broker's own stores on a full disk (the failing seam of src/lib/fs.ts): a refused offset
 * commit (its __consumer_offsets append failed) is not acknowledged, commits go through again
 * once space returns, and a restart finds exactly the acknowledged ones; the producer-state snapshot and
 * the producer id block fail without taking anything else down.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {ensureOffsetsTopic} from '../../src/broker/internal-topics.js';
import {ProducerStates} from '../../src/broker/producer-states.js';
import {PRODUCER_STATE_FILE, ProducerIdManager} from '../../src/coordinator/producer-state.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {PartitionLog} from '../../src/storage/partition-log.js';
import {validateTopicConfig} from '../../src/storage/topic-config.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {fillDisk, type FullDisk} from '../helpers/failing-disk.js';

let disk: FullDisk | undefined;
afterEach(() => {
  disk?.restore();
  disk = undefined;
});

describe('offset commits on a full disk', () => {
  it('refuses a commit it cannot write whole, takes commits again once space returns, and restarts with the acknowledged ones', async () => {
    const dataDir = tempDir('groups-full');
    const commit = (broker: Broker, offset: number) => broker.groups.commitOffsets({groupId: 'g', memberId: '', generationId: -1, offsets: [{topic: 't', partition: 0, offset, metadata: ''}]})[0].errorCode;
    const committed = (broker: Broker) => broker.groups.fetchOffsets('g', [{topic: 't', partition: 0}]).offsets[0].offset;
    const first = await startBroker({dataDir});
    await ensureOffsetsTopic(first.broker);
    for (const [i, allowBytes] of [0, 10, 40].entries()) {
      expect(commit(first.broker, 100 + i)).toBe(ErrorCode.NONE);
      disk = fillDisk({allowBytes});
      expect(commit(first.broker, 200 + i)).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      expect(committed(first.broker)).toBe(100 + i);
      disk.restore();
      disk = undefined;
      expect(commit(first.broker, 300 + i)).toBe(ErrorCode.NONE);
    }
    await first.broker.close();
    const second = await startBroker({dataDir});
    expect(committed(second.broker)).toBe(302);
    await second.broker.close();
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
