/**
 * Runs a kcollect command straight from its TypeScript source (under `node --import tsx`), for
 * the zk tests when dist/ is missing or older than the sources. argv: the command words, then
 * its arguments, e.g. `zk server status --json`.
 */
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {flush, handle} from '@oclif/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
let found = false;
for (let n = Math.min(argv.length, 4); n > 0 && !found; n--) {
  const file = path.join(root, 'commands', ...argv.slice(0, n)) + '.ts';
  if (!fs.existsSync(file)) continue;
  found = true;
  const mod = (await import(pathToFileURL(file).href)) as {default: {run(argv: string[], opts: string): Promise<unknown>}};
  try {
    await mod.default.run(argv.slice(n), root);
    await flush();
  } catch (err) {
    await handle(err as Error);
  }
}
if (!found) {
  process.stderr.write(`no command for: ${argv.join(' ')}\n`);
  process.exitCode = 127;
}
