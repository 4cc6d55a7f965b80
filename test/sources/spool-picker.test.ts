import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {tempDir} from '../helpers/broker.js';
import {FilePicker} from '../../src/sources/spooldir/picker.js';

const STABLE_MS = 200;

/** A picker whose clocks the test moves by hand (monotonic and wall clock advance together). */
function picker(dir: string) {
  const clock = {elapsed: 0};
  const start = Date.now();
  const p = new FilePicker(dir, {fileSuffix: '.COMPLETED', tempSuffixes: ['.tmp'], stableMs: STABLE_MS}, () => clock.elapsed, () => start + clock.elapsed);
  return {p, clock};
}

function write(dir: string, name: string, content: string, ageMs = 0): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  if (ageMs) {
    const t = new Date(Date.now() - ageMs);
    fs.utimesSync(file, t, t);
  }
  return file;
}

describe('spool file picker', () => {
  it('takes at once a file first seen untouched for longer than stable-for (moved in whole)', () => {
    const dir = tempDir('spool-pick');
    write(dir, 'moved.log', 'a\n', 10_000);
    const {p} = picker(dir);
    expect(p.scan().map((f) => [f.name, f.stable, f.stableInMs])).toEqual([['moved.log', true, 0]]);
  });

  it('watches a freshly written file for stable-for before taking it', () => {
    const dir = tempDir('spool-pick');
    write(dir, 'fresh.log', 'a\n');
    const {p, clock} = picker(dir);
    expect(p.scan()[0].stable).toBe(false);
    clock.elapsed = STABLE_MS;
    expect(p.scan()[0].stable).toBe(true);
  });

  it('an old file that then changes is watched from the change, not judged by its mtime again', () => {
    const dir = tempDir('spool-pick');
    const file = write(dir, 'old.log', 'a\n', 10_000);
    const {p, clock} = picker(dir);
    expect(p.scan()[0].stable).toBe(true);
    // Appended and its mtime set back (a writer with a lagging clock): the change still counts.
    fs.appendFileSync(file, 'b\n');
    const t = new Date(Date.now() - 10_000);
    fs.utimesSync(file, t, t);
    clock.elapsed = 1;
    expect(p.scan()[0].stable).toBe(false);
    clock.elapsed = 1 + STABLE_MS;
    expect(p.scan()[0].stable).toBe(true);
  });

  it('a file found changed while read is watched again even though its mtime is old', () => {
    const dir = tempDir('spool-pick');
    write(dir, 'read.log', 'a\n', 10_000);
    const {p, clock} = picker(dir);
    expect(p.scan()[0].stable).toBe(true);
    p.unsettle('read.log');
    expect(p.scan()[0].stable).toBe(false);
    clock.elapsed = STABLE_MS;
    expect(p.scan()[0].stable).toBe(true);
  });
});
