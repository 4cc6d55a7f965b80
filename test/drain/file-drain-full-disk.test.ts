/**
 * `kcollect consume --to file` with its out-dir on a small tmpfs that fills up: the group's
 * committed offset never passes the lines that are whole in the files, and once space returns
 * the same drain (no restart) writes the rest: every record exactly once, all committed once it
 * stops (it commits at file boundaries: its last file closes when it stops).
 */
import type {ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {describeGroup} from '../../src/services/group-service.js';
import {startBroker} from '../helpers/broker.js';
import {collect, kcollect, spawnCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';
import {canMountTmpfs, mountTmpfs} from '../helpers/tmpfs.js';

const RECORDS = 30_000;
const line = (i: number) => `record-${String(i).padStart(6, '0')}-${'x'.repeat(90)}`;

/** Every whole line in the out-dir's files (a torn last line is not counted). */
function wholeLines(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (name === 'filler') continue;
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    out.push(...text.split('\n').slice(0, -1));
  }
  return out;
}

describe.skipIf(!canMountTmpfs())('file drain on a full disk (8 MB tmpfs)', () => {
  it('commits no more than the files hold whole, and writes every record once after space returns', async () => {
    const {broker, bootstrap} = await startBroker();
    const disk = mountTmpfs(8);
    const outDir = path.join(disk.dir, 'out');
    let drain: ChildProcess | undefined;
    let result: Promise<unknown> = Promise.resolve();
    try {
      fs.mkdirSync(outDir);
      // Created first: the drain would otherwise create it (auto-create) and `topic create` fail.
      expect((await kcollect(bootstrap, ['topic', 'create', 'full'])).code).toBe(0);
      drain = spawnCli(['consume', 'full', '--group', 'archiver', '--to', 'file', '--out-dir', outDir, '--roll-count', '2000', '-b', bootstrap]);
      result = collect(drain);
      const input = Array.from({length: RECORDS}, (_, i) => line(i)).join('\n') + '\n';
      // The disk fills with room for only part of the topic.
      const filler = path.join(disk.dir, 'filler');
      fs.writeFileSync(filler, Buffer.alloc(8 * 1024 * 1024 - Math.floor(input.length / 2) - 256 * 1024));
      expect((await kcollect(bootstrap, ['produce', 'full'], {input})).code).toBe(0);

      const committed = async () => (await describeGroup([bootstrap], 'archiver')).offsets.find((o) => o.topic === 'full')?.committed ?? 0;
      // While full: whatever is committed is whole in the files (checked a number of times as the drain retries).
      await until(async () => wholeLines(outDir).length > 0, 'the drain to write some lines');
      for (let check = 0; check < 10; check++) {
        const c = await committed();
        expect(c).toBeLessThanOrEqual(wholeLines(outDir).length);
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(await committed()).toBeLessThan(RECORDS);

      disk.free();
      await until(async () => wholeLines(outDir).length >= RECORDS, `the drain to write all ${RECORDS} records`, 120_000);
      drain.kill('SIGINT');
      await result;
      expect(await committed()).toBe(RECORDS);
      const lines = wholeLines(outDir);
      expect(lines.length).toBe(RECORDS);
      expect(lines).toEqual(Array.from({length: RECORDS}, (_, i) => line(i)));
    } finally {
      if (drain && drain.exitCode === null && drain.signalCode === null) drain.kill('SIGKILL');
      await result;
      await broker.close();
      disk.unmount();
    }
  });
});
