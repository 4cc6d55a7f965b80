/**
 * Tail position files and spool ledgers on a full disk (through the disk seam): a save that
 * cannot be written leaves the previous file whole (never torn, never empty), the source is not
 * stopped by it, and the next save after space returns holds everything. Both are created 0600
 * in a 0700 directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {Ledger, type LedgerEntry} from '../../src/sources/spooldir/ledger.js';
import {PositionStore, type FilePosition} from '../../src/sources/tail/position-store.js';
import {tempDir} from '../helpers/broker.js';
import {fillDisk, type FullDisk} from '../helpers/failing-disk.js';

let disk: FullDisk | undefined;
afterEach(() => {
  disk?.restore();
  disk = undefined;
});

const position = (ino: number, offset: number): FilePosition => ({dev: '1', ino: String(ino), fingerprint: 'ab', fingerprintBytes: 2, path: `/logs/${ino}.log`, offset});
const entry = (offset: number, done = false): LedgerEntry => ({dev: '1', ino: '7', size: 100, fingerprint: 'ab', fingerprintBytes: 2, offset, done});

describe('position file on a full disk', () => {
  it('keeps the last whole version while full and writes every position once there is space', () => {
    const file = path.join(tempDir('pos-full'), 'positions', 'run.json');
    const store = PositionStore.load(file);
    store.set(position(1, 10));
    store.save();
    const saved = fs.readFileSync(file, 'utf8');

    disk = fillDisk({allowBytes: 20});
    store.set(position(1, 50));
    store.set(position(2, 5));
    expect(() => store.save()).toThrow(/ENOSPC/);
    expect(fs.readFileSync(file, 'utf8')).toBe(saved);
    expect(store.hasChanges).toBe(true);

    disk.free();
    store.save();
    expect(PositionStore.load(file).all().map((p) => [p.ino, p.offset])).toEqual([
      ['1', 50],
      ['2', 5],
    ]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });
});

describe('spool ledger on a full disk', () => {
  it('does not stop the source while full, keeps the last whole ledger, and catches up once there is space', () => {
    const dir = path.join(tempDir('ledger-full'), 'spool', '.kcollect-spool');
    const ledger = Ledger.open(dir);
    ledger.set('a.log', entry(10));
    const saved = fs.readFileSync(ledger.file, 'utf8');

    disk = fillDisk({allowBytes: 20});
    // Progress while full: not an error for the reader, and the file on disk stays whole.
    expect(() => ledger.set('a.log', entry(60))).not.toThrow();
    expect(ledger.takeSaveError()?.message).toMatch(/ENOSPC/);
    expect(ledger.takeSaveError()).toBeUndefined();
    expect(fs.readFileSync(ledger.file, 'utf8')).toBe(saved);
    expect(Ledger.open(dir).get('a.log')?.offset).toBe(10);

    disk.free();
    ledger.set('a.log', entry(100, true));
    expect(Ledger.open(dir).get('a.log')).toEqual(entry(100, true));
    expect(fs.statSync(ledger.file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.dirname(dir)).mode & 0o777).toBe(0o700);
  });
});
