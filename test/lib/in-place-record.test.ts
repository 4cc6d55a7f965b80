import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {InPlaceRecord} from '../../src/lib/in-place-record.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, {recursive: true, force: true})));
function file(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-in-place-'));
  dirs.push(dir);
  return path.join(dir, 'record');
}

describe('InPlaceRecord', () => {
  it('reads back the last record written, and a torn one as absent', async () => {
    const f = file();
    const record = new InPlaceRecord(f, 256);
    expect(record.write({seq: 1})).toBe(true);
    expect(record.write({seq: 2, offsets: [10, 20]})).toBe(true);
    expect(record.write({big: 'x'.repeat(300)})).toBe(false);
    await record.close();
    expect(InPlaceRecord.read(f)).toEqual({seq: 2, offsets: [10, 20]});
    expect(fs.statSync(f).size).toBe(256);

    const bytes = fs.readFileSync(f);
    bytes[12] ^= 1; // a bit flipped inside the JSON, as a torn write would leave it
    fs.writeFileSync(f, bytes);
    expect(InPlaceRecord.read(f)).toBeUndefined();
  });

  it('writes in the background in order, keeps only the newest of those waiting, and refuses a write() meanwhile', async () => {
    const f = file();
    const record = new InPlaceRecord(f, 256);
    const first = record.writeInBackground({seq: 1});
    const second = record.writeInBackground({seq: 2});
    const third = record.writeInBackground({seq: 3});
    expect(third).toBe(second); // one promise for the waiting record, whichever value it ends up with
    expect(() => record.write({seq: 4})).toThrow(/background write is under way/);
    await Promise.all([first, second]);
    expect(InPlaceRecord.read(f)).toEqual({seq: 3});
    expect(record.write({seq: 5})).toBe(true);
    await record.close();
    expect(InPlaceRecord.read(f)).toEqual({seq: 5});
  });
});
