import fs from 'node:fs';
import path from 'node:path';
import {UserError} from '../../lib/errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock files this process holds (its own pid in a lock file may also be a dead namesake's). */
const held = new Set<string>();

/**
 * One reader per spool directory: two would both ingest every file. The lock file holds the
 * owner's pid; a lock left by a process that died (killed, crashed; in a container
 * the new agent may even have the dead one's pid) is taken over.
 */
export function lockSpool(ledgerDir: string, spoolDir: string): () => void {
  const file = path.resolve(ledgerDir, 'lock');
  if (held.has(file)) throw new UserError(`the spool directory ${spoolDir} is already being read by this agent`, 'give each spool source its own directory');
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), {flag: 'wx'});
      held.add(file);
      return () => {
        held.delete(file);
        fs.rmSync(file, {force: true});
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot lock the spool directory ${spoolDir}: ${(err as Error).message}`, 'give a ledger directory you can write to');
    }
    const owner = Number(fs.readFileSync(file, 'utf8'));
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new UserError(`the spool directory ${spoolDir} is already being read by process ${owner}`, 'run one spool source per directory (stop the other one first)');
    }
    fs.rmSync(file, {force: true});
  }
}
