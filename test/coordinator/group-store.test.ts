import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FakeClock} from '../../src/coordinator/clock.js';
import {GroupCoordinator} from '../../src/coordinator/group-coordinator.js';
import {FileGroupStore, GROUP_LOG_FILE} from '../../src/coordinator/group-store.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {joinRequest} from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-groups-'));
});
afterEach(() => {
  fs.rmSync(dir, {recursive: true, force: true});
});

function open(opts: ConstructorParameters<typeof FileGroupStore>[1] = {}) {
  const clock = new FakeClock(1_700_000_000_000);
  const store = new FileGroupStore(dir, opts);
  const gc = new GroupCoordinator({clock, store, initialRebalanceDelayMs: 0});
  return {gc, store, clock};
}

const commit = (gc: GroupCoordinator, groupId: string, topic: string, partition: number, offset: number, metadata = '') =>
  gc.commitOffsets({groupId, memberId: '', generationId: -1, offsets: [{topic, partition, offset, metadata}]});

describe('FileGroupStore', () => {
  it('brings offsets and groups back after a restart, groups Empty with their generation', async () => {
    const first = open();
    commit(first.gc, 'solo', 't', 0, 10, 'hello');
    const join = await first.gc.join(joinRequest());
    await first.gc.sync({groupId: 'g', memberId: join.memberId, generationId: 1, assignments: []});
    first.gc.commitOffsets({groupId: 'g', memberId: join.memberId, generationId: 1, offsets: [{topic: 't', partition: 1, offset: 99, leaderEpoch: 4}]});
    first.gc.close();

    const second = open();
    expect(second.gc.fetchOffsets('solo', [{topic: 't', partition: 0}]).offsets[0]).toMatchObject({offset: 10, metadata: 'hello'});
    expect(second.gc.fetchOffsets('g', null).offsets).toEqual([{topic: 't', partition: 1, offset: 99, leaderEpoch: 4, metadata: '', errorCode: 0}]);
    expect(second.gc.describeGroup('g')).toMatchObject({state: 'Empty', protocolType: 'consumer', members: []});
    // The old member must rejoin: it is unknown now, and the next generation is a new number.
    expect(second.gc.heartbeat({groupId: 'g', memberId: join.memberId, generationId: 1})).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const rejoin = await second.gc.join(joinRequest());
    expect(rejoin.generationId).toBe(2);
    second.gc.close();
  });

  it('drops a torn last line and keeps appending cleanly after it', () => {
    const first = open();
    commit(first.gc, 'g', 't', 0, 1);
    commit(first.gc, 'g', 't', 0, 2);
    first.gc.close();
    // A crash in the middle of a write leaves half a line.
    fs.appendFileSync(path.join(dir, GROUP_LOG_FILE), '{"type":"offsets","group":"g","offsets":[{"topic":"t","partition":0,"off');

    const second = open();
    expect(second.store.skippedLines).toBe(1);
    expect(second.gc.fetchOffsets('g', null).offsets[0]!.offset).toBe(2);
    commit(second.gc, 'g', 't', 0, 3);
    second.gc.close();

    const third = open();
    expect(third.store.skippedLines).toBe(0);
    expect(third.gc.fetchOffsets('g', null).offsets[0]!.offset).toBe(3);
    third.gc.close();
  });

  it('persists group deletion and topic deletion', () => {
    const first = open();
    commit(first.gc, 'a', 't', 0, 1);
    commit(first.gc, 'a', 'u', 0, 1);
    commit(first.gc, 'b', 't', 0, 1);
    expect(first.gc.deleteGroups(['b'])[0]!.errorCode).toBe(0);
    first.gc.deleteOffsetsForTopic('u');
    // A topic re-created after deletion starts over: later commits must survive the tombstone.
    commit(first.gc, 'a', 'u', 0, 7);
    first.gc.close();

    const second = open();
    expect(second.gc.listGroups().map((g) => g.groupId)).toEqual(['a']);
    expect(second.gc.fetchOffsets('a', null).offsets.map((o) => [o.topic, o.offset])).toEqual([
      ['t', 1],
      ['u', 7],
    ]);
    second.gc.close();
  });

  it('compacts the log once it grows, without losing state', () => {
    const first = open({compactMinBytes: 4096});
    for (let i = 0; i < 500; i++) commit(first.gc, `g${i % 3}`, 't', i % 4, i);
    const size = fs.statSync(path.join(dir, GROUP_LOG_FILE)).size;
    // 500 lines of ~110 bytes without compaction.
    expect(size).toBeLessThan(12 * 1024);
    first.gc.close();

    const second = open({compactMinBytes: 4096});
    for (let g = 0; g < 3; g++) {
      const offsets = second.gc.fetchOffsets(`g${g}`, null).offsets.map((o) => [o.partition, o.offset]);
      // Last commit of each (group, partition) pair.
      const expected = [0, 1, 2, 3]
        .map((p) => {
          let last = -1;
          for (let i = 0; i < 500; i++) if (i % 3 === g && i % 4 === p) last = i;
          return [p, last];
        })
        .filter(([, o]) => o >= 0);
      expect(offsets).toEqual(expected);
    }
    second.gc.close();
  });

  it('loses no acknowledged commit when the process is killed with SIGKILL', async () => {
    const script = fileURLToPath(new URL('./fixtures/commit-loop.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], {cwd: path.resolve(fileURLToPath(import.meta.url), '../../..'), stdio: ['ignore', 'pipe', 'pipe']});
    let acknowledged = 0;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += String(d);
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) acknowledged = Number(l);
        // Enough commits to have gone through several compactions.
        if (acknowledged >= 3000) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
    child.kill('SIGKILL');
    await exited;

    const after = open({compactMinBytes: 32 * 1024});
    const committed = after.gc.fetchOffsets('g', [{topic: 't', partition: 0}]).offsets[0]!;
    expect(committed.offset).toBeGreaterThanOrEqual(acknowledged);
    expect(committed.metadata).toBe(`m${committed.offset}`);
    after.gc.close();
  }, 30_000);
});
