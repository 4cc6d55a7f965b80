import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {expect, it} from 'vitest';
import {tempDir} from '../helpers/broker.js';
import {SpoolDirSource} from '../../src/sources/spooldir/source.js';
import {RecordingContext, eventually} from './spooldir-context.js';

const child = fileURLToPath(new URL('./spooldir-crash-child.ts', import.meta.url));

/** A 100-line status file whose agent was SIGKILLed holding its third batch of 10 (two acknowledged). */
async function killedMidFile(): Promise<{dir: string; lines: string[]}> {
  const dir = tempDir('spool');
  const out = path.join(tempDir('spool-out'), 'delivered.txt');
  const lines = Array.from({length: 100}, (_, i) => `20160101${String(i * 4).padStart(6, '0')},K0001,${i}`);
  fs.writeFileSync(path.join(dir, 'status.txt'), lines.join('\n') + '\n');

  // Batches of 10: the first two are acknowledged, the third is in hand when the kill comes.
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, out, '3', '10'], {stdio: ['ignore', 'pipe', 'pipe'], cwd: process.cwd()});
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
  await eventually(() => stdout.includes('STUCK') || proc.exitCode !== null, 'the child to hold its third batch');
  expect(stderr).toBe('');
  proc.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  // The source goes on handing batches to the channel while the third waits for its
  // acknowledgement; what reached the channel is the file's lines in order.
  const handed = fs.readFileSync(out, 'utf8').split('\n').slice(0, -1);
  expect(handed.length).toBeGreaterThanOrEqual(30);
  expect(handed).toEqual(lines.slice(0, handed.length));
  expect(fs.existsSync(path.join(dir, 'status.txt'))).toBe(true);
  return {dir, lines};
}

/** A restarted agent's deliveries, until `done` is in the directory. */
async function restart(dir: string, done: string): Promise<string[]> {
  const ctx = new RecordingContext();
  const running = new SpoolDirSource({name: 'spool', dir, stableMs: 0, pollIntervalMs: 10, batchMaxEvents: 10}).run(ctx);
  await eventually(() => fs.existsSync(path.join(dir, done)), `${done} renamed`);
  ctx.stop();
  await running;
  return ctx.bodies();
}

it('an agent SIGKILLed mid-file resumes after the last acknowledged batch: nothing lost, only the unacknowledged batches again', async () => {
  const {dir, lines} = await killedMidFile();
  // The restarted agent takes over the dead one's lock and starts at the unacknowledged batch.
  expect(await restart(dir, 'status.txt.COMPLETED')).toEqual(lines.slice(20));
});

it('a file renamed within the directory after the agent was SIGKILLed mid-file resumes there too, under its new name', async () => {
  const {dir, lines} = await killedMidFile();
  fs.renameSync(path.join(dir, 'status.txt'), path.join(dir, 'status-day1.txt'));
  expect(await restart(dir, 'status-day1.txt.COMPLETED')).toEqual(lines.slice(20));
});
