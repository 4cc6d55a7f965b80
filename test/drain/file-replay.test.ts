import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startBroker, tempDir} from '../helpers/broker.js';
import {kcollect} from '../helpers/cli.js';
import {drivingRecords, produceLines} from './driving-records.js';

/** Every file under `dir`, relative path -> content. */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of fs.readdirSync(dir, {recursive: true, withFileTypes: true})) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      out.set(path.relative(dir, full), fs.readFileSync(full));
    }
  }
  return out;
}

describe('consume --to file and replay --to file', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 2});
    await env.broker.createTopic('SmartCar-Topic', 2, {});
  });
  afterAll(async () => {
    await env.broker.close();
  });

  it('rolls by count into files named after topic, partition and first offset; a replay writes byte-identical files', async () => {
    const records = drivingRecords(10, 300);
    await produceLines(env.bootstrap, 'SmartCar-Topic', records);
    const live = tempDir('files-live');
    const again = tempDir('files-replay');
    const roll = ['--roll-count', '700', '--file-prefix', 'driving.'];

    const r = await kcollect(env.bootstrap, ['consume', 'SmartCar-Topic', '--group', 'archiver', '--to', 'file', '--out-dir', path.join(live, '%{topic}/wrk_date=%Y%m%d'), ...roll, '--exit']);
    expect(r.code, r.stderr).toBe(0);
    const written = files(live);
    const names = [...written.keys()];
    // Dated by the records' own day (the book's 20160101), not the day they were collected.
    expect(names.every((n) => /^SmartCar-Topic\/wrk_date=20160101\/driving\.SmartCar-Topic-[01]-\d{20}\.log$/.test(n)), names.join('\n')).toBe(true);
    const lines = [...written.values()].flatMap((b) => b.toString().trimEnd().split('\n'));
    expect(lines.sort()).toEqual(records.map((x) => x.line).sort());
    expect(Math.max(...[...written.values()].map((b) => b.toString().trimEnd().split('\n').length))).toBe(700);
    const replayed = await kcollect(env.bootstrap, ['replay', '--topic', 'SmartCar-Topic', '--from-offset', '0', '--to', 'file', '--out-dir', path.join(again, '%{topic}/wrk_date=%Y%m%d'), ...roll]);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(files(again)).toEqual(written);

    // Replayed into the first directory it rewrites the same files instead of adding copies.
    const over = await kcollect(env.bootstrap, ['replay', '--topic', 'SmartCar-Topic', '--from-offset', '0', '--to', 'file', '--out-dir', path.join(live, '%{topic}/wrk_date=%Y%m%d'), ...roll]);
    expect(over.code, over.stderr).toBe(0);
    expect(files(live)).toEqual(written);
    // The live group's offsets did not move.
    expect(env.broker.groups.fetchOffsets('archiver', null).offsets.reduce((n, o) => n + o.offset, 0)).toBe(3000);
  }, 90_000);
});
