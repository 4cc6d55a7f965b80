/**
 * A file drain killed mid-file leaves that file under its in-use name with records past the
 * group's commit; the next drain writes that file again whole instead of copying its tail into a
 * second file. A replay of part of a range (one key, an end) never replaces a drain's file.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProducer} from '../../src/client/producer.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {collect, kcollect, spawnCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';

const RECORDS = 20_000;

/** Every line of every file under `dir` (in-use ones too), with the files' names. */
function linesIn(dir: string): {names: string[]; lines: string[]} {
  const names = fs.readdirSync(dir).sort();
  return {names, lines: names.flatMap((n) => fs.readFileSync(path.join(dir, n), 'utf8').split('\n').filter((l) => l !== ''))};
}

function duplicates(lines: string[]): number {
  return lines.length - new Set(lines).size;
}

describe('file drain resumed after a kill; partial replays', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  const expected = Array.from({length: RECORDS}, (_, i) => `rec-${i}`);

  beforeAll(async () => {
    env = await startBroker({numPartitions: 1});
    await env.broker.createTopic('fk', 1, {});
    const producer = await openProducer('fk', {brokers: [env.bootstrap], acks: 'all'});
    for (let i = 0; i < RECORDS; i += 2000) await producer.send(expected.slice(i, i + 2000).map((v, j) => ({key: Buffer.from(`car${(i + j) % 4}`), value: Buffer.from(v)})));
    await producer.flush();
    await producer.close();
  });
  afterAll(async () => {
    await env.broker.close();
  });

  it('a file left in use with records past the commit is written again whole: every record once', async () => {
    const dir = tempDir('file-resume');
    const first = await kcollect(env.bootstrap, ['consume', 'fk', '-g', 'resume', '--to', 'file', '--out-dir', dir, '--exit']);
    expect(first.code, first.stderr).toBe(0);
    // What a kill -9 leaves: the file under its in-use name, the commit behind its last records.
    const [name] = fs.readdirSync(dir);
    fs.renameSync(path.join(dir, name), path.join(dir, `${name}.tmp`));
    const reset = await kcollect(env.bootstrap, ['group', 'reset-offsets', 'resume', '--topic', 'fk', '--to-offset', '15000', '--execute']);
    expect(reset.code, reset.stderr).toBe(0);

    const again = await kcollect(env.bootstrap, ['consume', 'fk', '-g', 'resume', '--to', 'file', '--out-dir', dir, '--exit']);
    expect(again.code, again.stderr).toBe(0);
    const {names, lines} = linesIn(dir);
    expect(names).toEqual(['fk-0-00000000000000000000.log']);
    expect(duplicates(lines)).toBe(0);
    expect(lines).toEqual(expected);
  }, 60_000);

  it('a drain killed -9 mid-file and started again writes every record once', async () => {
    const dir = tempDir('file-kill');
    const drain = spawnCli(['consume', 'fk', '-g', 'killed', '--to', 'file', '--out-dir', dir, '--batch-size', '200', '-b', env.bootstrap, '-X', 'session.timeout.ms=6000']);
    const done = collect(drain);
    const inUse = path.join(dir, 'fk-0-00000000000000000000.log.tmp');
    await until(() => fs.existsSync(inUse) && fs.readFileSync(inUse, 'utf8').split('\n').length > 4000, 'the drain to write 4,000 lines');
    drain.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');

    const again = await kcollect(env.bootstrap, ['consume', 'fk', '-g', 'killed', '--to', 'file', '--out-dir', dir, '--exit', '-X', 'session.timeout.ms=6000']);
    expect(again.code, again.stderr).toBe(0);
    const {lines} = linesIn(dir);
    expect(duplicates(lines)).toBe(0);
    expect(lines.sort()).toEqual([...expected].sort());
  }, 60_000);

  it('a replay of one key or up to an end refuses to replace a file of the drain; a whole replay rewrites it', async () => {
    const dir = tempDir('file-replay-partial');
    expect((await kcollect(env.bootstrap, ['consume', 'fk', '-g', 'archive', '--to', 'file', '--out-dir', dir, '--exit'])).code).toBe(0);
    const before = linesIn(dir);
    for (const partial of [['--key', 'car0'], ['--until-offset', '3']]) {
      const r = await kcollect(env.bootstrap, ['replay', 'fk', '--from-offset', '0', ...partial, '--to', 'file', '--out-dir', dir]);
      expect(r.code, partial.join(' ')).not.toBe(0);
      expect(r.stderr).toContain('fk-0-00000000000000000000.log exists: this replay writes part of its range');
      expect(r.stderr).toContain('replay into another --out-dir');
      expect(linesIn(dir)).toEqual(before);
    }
    const whole = await kcollect(env.bootstrap, ['replay', 'fk', '--from-offset', '0', '--to', 'file', '--out-dir', dir]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(linesIn(dir)).toEqual(before);
  }, 60_000);
});
