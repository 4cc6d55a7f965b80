/**
 * The spool ledger's per-batch progress (a record rewritten in place, not a new ledger.json):
 * what a restart resumes from, and what it must not trust.
 */
import fs from 'node:fs';
import path from 'node:path';
import {expect, it} from 'vitest';
import {Ledger, type LedgerEntry} from '../../src/sources/spooldir/ledger.js';
import {tempDir} from '../helpers/broker.js';

const entry = (offset: number, done = false): LedgerEntry => ({dev: '1', ino: '7', size: 100, fingerprint: 'ab', fingerprintBytes: 2, offset, done});

it('a reopened ledger resumes at the last advanced offset, without a ledger.json per batch', () => {
  const dir = tempDir('ledger-progress');
  const ledger = Ledger.open(dir);
  ledger.set('a.log', entry(0));
  const whole = fs.readFileSync(ledger.file, 'utf8');
  ledger.advance('a.log', 30);
  ledger.advance('a.log', 60);
  expect(fs.readFileSync(ledger.file, 'utf8')).toBe(whole);
  // Not closed: as after a kill.
  expect(Ledger.open(dir).get('a.log')).toEqual(entry(60));
});

it('a progress record left from before the last whole save does not count', () => {
  const dir = tempDir('ledger-progress');
  const ledger = Ledger.open(dir);
  ledger.set('a.log', entry(0));
  ledger.advance('a.log', 60);
  // The file is read again from its start (it shrank, say): written whole, nothing advanced yet.
  ledger.set('a.log', entry(0));
  expect(Ledger.open(dir).get('a.log')?.offset).toBe(0);
  ledger.close();
});

it('a torn progress record is ignored: the ledger.json offset counts', () => {
  const dir = tempDir('ledger-progress');
  const ledger = Ledger.open(dir);
  ledger.set('a.log', entry(10));
  ledger.advance('a.log', 1599999);
  ledger.close();
  const progress = path.join(dir, 'progress');
  const record = fs.readFileSync(progress);
  record.write('16', record.indexOf('1599999')); // half of a later write of 1600000
  fs.writeFileSync(progress, record);
  expect(Ledger.open(dir).get('a.log')?.offset).toBe(10);
});

it('a done file is never advanced past by an older progress record, and a new ledger ignores an old one', () => {
  const dir = tempDir('ledger-progress');
  const ledger = Ledger.open(dir);
  ledger.set('a.log', entry(0));
  ledger.advance('a.log', 50);
  ledger.set('a.log', entry(100, true));
  expect(Ledger.open(dir).get('a.log')).toEqual(entry(100, true));
  ledger.close();
  // Moved away to start over: the progress record of the old ledger goes with it.
  fs.rmSync(ledger.file);
  const fresh = Ledger.open(dir);
  fresh.set('a.log', entry(0));
  expect(Ledger.open(dir).get('a.log')?.offset).toBe(0);
  fresh.close();
});
