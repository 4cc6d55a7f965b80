/**
 * A writer that still holds a spool file writes just as the source renames (or deletes) it: the
 * last look before the rename saw the file unchanged. What it wrote is read through the source's
 * handle (after a delete nothing else reaches it) and sent, with a message naming the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it, vi} from 'vitest';
import {tempDir} from '../helpers/broker.js';
import {SpoolDirSource} from '../../src/sources/spooldir/source.js';
import {RecordingContext, eventually} from './spooldir-context.js';

/** Runs inside rollFile, just before the rename or delete (once). */
const race = vi.hoisted(() => ({beforeRoll: undefined as ((file: string) => void) | undefined}));

vi.mock('../../src/sources/spooldir/roll.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/sources/spooldir/roll.js')>();
  return {
    ...actual,
    rollFile: (file: string, policy: 'never' | 'immediate', suffix: string) => {
      const hook = race.beforeRoll;
      race.beforeRoll = undefined;
      hook?.(file);
      return actual.rollFile(file, policy, suffix);
    },
  };
});

describe('spooldir source: a write racing the rename', () => {
  it.each(['never', 'immediate'] as const)('deletePolicy %s: the bytes written as the file is completed are sent too', async (deletePolicy) => {
    const dir = tempDir('spool-race');
    const file = path.join(dir, 'race.log');
    fs.writeFileSync(file, 'l1\nl2\n');
    race.beforeRoll = (f) => fs.appendFileSync(f, 'l3\n');
    const ctx = new RecordingContext();
    const running = new SpoolDirSource({name: 'spool', dir, stableMs: 0, pollIntervalMs: 10, deletePolicy}).run(ctx);
    await eventually(() => !fs.existsSync(file) && ctx.bodies().length >= 3, 'file completed and the late line sent');
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(['l1', 'l2', 'l3']);
    const where = deletePolicy === 'never' ? 'renamed' : 'deleted';
    expect(ctx.logs.filter((l) => l.includes(`${file} grew from 6 to 9 bytes as it was ${where}: sent those 1 line(s) too`))).toHaveLength(1);
    if (deletePolicy === 'never') expect(fs.readFileSync(`${file}.COMPLETED`, 'utf8')).toBe('l1\nl2\nl3\n');
  });
});
