/**
 * Child process for spooldir-crash.test.ts: a spool source whose "channel" appends each body to
 * OUT and acknowledges the first STUCK_AFTER - 1 batches; the next one is never acknowledged
 * (the agent hangs with it in hand) and the parent SIGKILLs the process.
 * Usage: node --import tsx spooldir-crash-child.ts DIR OUT STUCK_AFTER BATCH
 */
import fs from 'node:fs';
import {SpoolDirSource} from '../../src/sources/spooldir/source.js';

const [dir, out, stuckAfter, batch] = process.argv.slice(2);
let batches = 0;
await new SpoolDirSource({name: 'spool', dir, stableMs: 0, pollIntervalMs: 10, batchMaxEvents: Number(batch)}).run({
  signal: new AbortController().signal,
  async deliver(events) {
    fs.appendFileSync(out, events.map((e) => e.body.toString() + '\n').join(''));
    if (++batches < Number(stuckAfter)) return;
    // Said once the batches before are recorded as acknowledged: the source records them in
    // microtasks after this call, and a kill before that would rightly send them again.
    setImmediate(() => process.stdout.write('STUCK\n'));
    // Hang with the batch in hand; the timer keeps Node from exiting on an empty event loop.
    setInterval(() => {}, 60_000);
    await new Promise(() => {});
  },
  count() {},
  log: (line) => process.stderr.write(line + '\n'),
});
