/**
 * The tail's position file: offsets that move on are written in place into FILE.progress after
 * every batch, files that come or go rewrite the position file whole; a restart resumes from
 * both, and never from a torn or outdated progress record.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {diskIo} from '../../src/lib/fs.js';
import {PositionStore, type FilePosition} from '../../src/sources/tail/position-store.js';
import {tempDir} from '../helpers/broker.js';

const position = (ino: number, offset: number, fingerprint = 'ab'): FilePosition => ({dev: '1', ino: String(ino), fingerprint, fingerprintBytes: 2, path: `/logs/${ino}.log`, offset});
const offsets = (file: string) => PositionStore.load(file).all().map((p) => [p.ino, p.offset]);

afterEach(() => {
  vi.useRealTimers();
});

describe('position file', () => {
  it('writes offsets that moved on in place, in order, without replacing the position file', async () => {
    const file = path.join(tempDir('pos-progress'), 'positions', 'run.json');
    const store = PositionStore.load(file);
    store.set(position(1, 10));
    await store.save();
    const whole = fs.readFileSync(file, 'utf8');
    const inode = fs.statSync(file).ino;

    // Written on the thread pool: the second save waits behind the first, a third replaces it.
    store.set(position(1, 500));
    void store.save();
    store.set(position(1, 700));
    void store.save();
    store.set(position(1, 900));
    expect(await store.save()).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(whole);
    expect(fs.statSync(file).ino).toBe(inode);
    expect(offsets(file)).toEqual([['1', 900]]);
    expect(fs.statSync(`${file}.progress`).mode & 0o777).toBe(0o600);

    // On stop the position file is written whole: it reads complete without its progress record.
    store.save({whole: true});
    await store.close();
    fs.rmSync(`${file}.progress`);
    expect(offsets(file)).toEqual([['1', 900]]);
  });

  it('is still written whole every 10 s, so a torn progress record falls back to recent offsets', async () => {
    vi.useFakeTimers({toFake: ['Date']});
    const file = path.join(tempDir('pos-periodic'), 'run.json');
    const store = PositionStore.load(file);
    store.set(position(1, 10));
    await store.save();
    store.set(position(1, 20));
    await store.save();
    vi.setSystemTime(Date.now() + 10_001);
    store.set(position(1, 30));
    await store.save();
    await store.close();
    fs.rmSync(`${file}.progress`, {force: true});
    expect(offsets(file)).toEqual([['1', 30]]);
  });

  it('rewrites the position file whole when a file comes, goes or is rewritten', async () => {
    const file = path.join(tempDir('pos-whole'), 'run.json');
    const store = PositionStore.load(file);
    store.set(position(1, 10));
    await store.save();
    store.set(position(1, 20));
    await store.save();
    store.set(position(2, 5));
    await store.save();
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).files.map((p: FilePosition) => [p.ino, p.offset])).toEqual([
      ['1', 20],
      ['2', 5],
    ]);
    // Rewritten in place (a new fingerprint) and read from 0 again: the offset goes back.
    store.set(position(2, 0, 'cd'));
    await store.save();
    expect(offsets(file)).toEqual([
      ['1', 20],
      ['2', 0],
    ]);
    await store.close();
  });

  it('resumes from the position file alone when the progress record is torn or older than it', async () => {
    const file = path.join(tempDir('pos-torn'), 'run.json');
    const store = PositionStore.load(file);
    store.set(position(1, 10));
    await store.save();
    store.set(position(1, 300));
    await store.save();
    const record = fs.readFileSync(`${file}.progress`);

    // An OS crash mid-write: the checksum no longer matches.
    fs.writeFileSync(`${file}.progress`, Buffer.concat([record.subarray(0, 20), Buffer.from('7'), record.subarray(21)]));
    expect(offsets(file)).toEqual([['1', 10]]);

    // A record written before the last whole save counts no more.
    store.set(position(2, 5));
    await store.save();
    fs.writeFileSync(`${file}.progress`, record);
    store.set(position(1, 200, 'cd'));
    await store.save();
    expect(offsets(file)).toEqual([
      ['1', 200],
      ['2', 5],
    ]);
    await store.close();
  });

  it('a progress record that could not be written is told by the next save, and the one after writes whole', async () => {
    const file = path.join(tempDir('pos-eio'), 'run.json');
    const store = PositionStore.load(file);
    store.set(position(1, 10));
    await store.save();
    const real = diskIo.writeInBackground;
    diskIo.writeInBackground = () => Promise.reject(Object.assign(new Error('EIO: i/o error, write'), {code: 'EIO'}));
    try {
      store.set(position(1, 50));
      expect(await store.save()).toBe(false);
    } finally {
      diskIo.writeInBackground = real;
    }
    store.set(position(1, 60));
    expect(() => store.save()).toThrow(/EIO/);
    expect(await store.save()).toBe(true);
    // Whole: the position file alone holds the offset.
    fs.rmSync(`${file}.progress`, {force: true});
    expect(offsets(file)).toEqual([['1', 60]]);
    await store.close();
  });

  it('does not take a progress record left behind by a position file moved away', async () => {
    const file = path.join(tempDir('pos-moved'), 'run.json');
    const store = PositionStore.load(file);
    store.set(position(1, 10));
    await store.save();
    store.set(position(1, 400));
    await store.save();
    await store.close();
    fs.renameSync(file, `${file}.old`);

    const fresh = PositionStore.load(file);
    expect(fresh.existed).toBe(false);
    fresh.set(position(1, 0));
    await fresh.save();
    expect(offsets(file)).toEqual([['1', 0]]);
    await fresh.close();
  });
});
