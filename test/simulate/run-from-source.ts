/**
 * Runs a `kcollect simulate ...` command straight from its TypeScript source (under
 * `node --import tsx`), for the CLI tests when dist/ is missing or older than the sources.
 * argv: the command words, then its arguments, e.g. `simulate status --cars 3`.
 */
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {flush, handle} from '@oclif/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const file = path.join(root, 'commands', ...argv.slice(0, 2)) + '.ts';
if (fs.existsSync(file)) {
  const mod = (await import(pathToFileURL(file).href)) as {default: {run(argv: string[], opts: string): Promise<unknown>}};
  try {
    await mod.default.run(argv.slice(2), root);
    await flush();
  } catch (err) {
    await handle(err as Error);
  }
} else {
  process.stderr.write(`no command for: ${argv.join(' ')}\n`);
  process.exitCode = 127;
}
