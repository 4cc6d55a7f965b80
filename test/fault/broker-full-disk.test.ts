/**
 * The scenario for real: `kcollect broker start` with its data dir on an 8 MB tmpfs
 * holding one 4200-byte record, the disk then filled by another file, `echo ONE-SMALL-LINE |
 * kcollect produce p` while the broker refuses, the filler deleted. The produce is acknowledged
 * once, the log holds it once at offset 1, `consume --from beginning --exit` prints every
 * acknowledged record, and so does a broker restarted after SIGKILL (root only).
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {spawnBroker, type BrokerProcess} from '../helpers/broker.js';
import {cliEnv, CLI, collect, kcollect, ROOT} from '../helpers/cli.js';
import {readTopic} from '../helpers/kafka.js';
import {until} from '../helpers/poll.js';
import {hasCommand} from '../helpers/system-deps.js';
import {run} from '../helpers/run.js';
import {canMountTmpfs, mountTmpfs} from '../helpers/tmpfs.js';

const BIG = 'x'.repeat(4200);
const refused = (b: BrokerProcess) => /produce to p-0 refused \(KAFKA_STORAGE_ERROR\) until its disk takes writes again: .*ENOSPC/.test(b.output());

describe.skipIf(!canMountTmpfs())('broker on a full disk (8 MB tmpfs)', () => {
  it('refuses while full, stores the retried line once at offset 1 after space returns, and keeps it across SIGKILL', async () => {
    const disk = mountTmpfs(8);
    const dataDir = `${disk.dir}/broker`;
    let broker: BrokerProcess | undefined;
    let producing: ChildProcess | undefined;
    try {
      broker = await spawnBroker(dataDir);
      const first = broker;
      expect((await kcollect(first.bootstrap, ['topic', 'create', 'p'])).code).toBe(0);
      const seeded = await kcollect(first.bootstrap, ['produce', 'p'], {input: `${BIG}\n`});
      expect(seeded.code, seeded.stderr).toBe(0);

      disk.fill();
      producing = spawn(process.execPath, [CLI, 'produce', 'p', '-b', first.bootstrap], {cwd: ROOT, env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe']});
      producing.stdin!.end('ONE-SMALL-LINE\n');
      const produced = collect(producing);
      // The broker answers every try with KAFKA_STORAGE_ERROR; the producer keeps retrying.
      await until(() => refused(first), 'a refused produce request');
      disk.free();
      const result = await produced;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout + result.stderr).toMatch(/\b1 record/);
      expect(first.output()).toMatch(/p-0 takes writes again/);

      const records = await readTopic(first.bootstrap, 'p');
      expect(records.map((r) => `${r.offset}:${r.value!.length}`)).toEqual(['0:4200', '1:14']);
      if (hasCommand('kcat')) {
        const kcat = await run('kcat', ['-b', first.bootstrap, '-C', '-t', 'p', '-e', '-q', '-f', '%o %s\\n']);
        expect(kcat.stdout).toBe(`0 ${BIG}\n1 ONE-SMALL-LINE\n`);
      }
      const consumed = await kcollect(first.bootstrap, ['consume', 'p', '--from', 'beginning', '--exit']);
      expect(consumed.code, consumed.stderr).toBe(0);
      expect(consumed.stdout).toBe(`${BIG}\nONE-SMALL-LINE\n`);

      first.proc.kill('SIGKILL');
      await first.exited;
      broker = await spawnBroker(dataDir);
      const again = await kcollect(broker.bootstrap, ['consume', 'p', '--from', 'beginning', '--exit']);
      expect(again.stdout).toBe(`${BIG}\nONE-SMALL-LINE\n`);
      expect((await kcollect(broker.bootstrap, ['produce', 'p'], {input: 'after-restart\n'})).code).toBe(0);
      expect((await readTopic(broker.bootstrap, 'p')).map((r) => r.offset)).toEqual([0, 1, 2]);
    } finally {
      producing?.kill('SIGKILL');
      const last = broker;
      if (last && last.proc.exitCode === null && last.proc.signalCode === null) {
        last.proc.kill('SIGKILL');
        await last.exited;
      }
      disk.unmount();
    }
    // A dozen CLI runs and two broker starts: minutes on a loaded machine.
  }, 240_000);
});
