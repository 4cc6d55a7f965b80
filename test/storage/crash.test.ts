import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, expect, it, vi} from 'vitest';
import {batchCrcValid} from '../../src/protocol/records/batch.js';
import {PartitionLog} from '../../src/storage/partition-log.js';
import {validateTopicConfig} from '../../src/storage/topic-config.js';
import {baseOffsetOf, lastOffsetOf} from './batches.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'append-forever.ts');
let dir: string;

afterEach(() => {
  vi.restoreAllMocks();
  if (dir) fs.rmSync(dir, {recursive: true, force: true});
});

/** Runs the appender until it has acknowledged a few hundred batches, then SIGKILLs it. */
function appendThenKill(dataDir: string, afterLines: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir], {stdio: ['ignore', 'pipe', 'pipe']});
    let lastAcked = -1;
    let lines = 0;
    let pending = '';
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d));
    proc.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const line of parts) {
        if (line.startsWith('start')) continue;
        lastAcked = Number(line);
        if (++lines === afterLines) proc.kill('SIGKILL');
      }
    });
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(lastAcked);
      else reject(new Error(`appender exited with ${code}: ${stderr}`));
    });
  });
}

it('keeps every acknowledged batch when the writer is killed with SIGKILL mid-stream', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-crash-'));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  let acked = -1;
  for (const afterLines of [150, 400, 250]) {
    acked = await appendThenKill(dir, afterLines);
    const log = PartitionLog.open(dir, validateTopicConfig({'segment.bytes': '3000000'}));
    try {
      expect(log.logEndOffset).toBeGreaterThan(acked);
      const all = log.read(0, Number.MAX_SAFE_INTEGER);
      if (all === 'out-of-range') throw new Error('out of range');
      let next = 0;
      for (const b of all) {
        expect(batchCrcValid(b)).toBe(true);
        expect(baseOffsetOf(b)).toBe(next);
        next = lastOffsetOf(b) + 1;
      }
      expect(next).toBe(log.logEndOffset);
      expect(log.segmentBaseOffsets().length).toBeGreaterThan(1);
    } finally {
      log.close();
    }
  }
});
