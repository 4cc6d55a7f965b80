import fs from 'node:fs';
import path from 'node:path';
import {UserError} from './errors.js';
import {pidAlive} from './process.js';

/** Lock files this process holds: its own pid in a lock file may also be a dead namesake's. */
const held = new Set<string>();

export interface PidLockOwner {
  /** What the directory is for, in messages: "file channel c1", "the spool directory /x". */
  what: string;
  /** How the holder uses it, in messages (default "in use"): "being read". */
  use?: string;
  /** How to get out of the way of the process holding it. */
  hint: string;
}

/**
 * A lock file (`name` in `dir`) holding the owner's pid, for what one process at a time may use
 * (a channel's log, a spool directory's ledger, a tail's position file). A lock whose process is
 * gone (kill -9; in a container the new process may even have the dead one's pid) is taken over.
 * Returns the release. The file is 0600 like the state it guards: only its owner, who alone may
 * write that state, has a use for the pid in it.
 */
export function acquirePidLock(dir: string, owner: PidLockOwner, name = 'lock'): () => void {
  const file = path.resolve(dir, name);
  if (held.has(file)) throw new UserError(`${owner.what} is already ${owner.use ?? 'in use'} by this process`, owner.hint);
  for (;;) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, {flag: 'wx', mode: 0o600});
      held.add(file);
      return () => {
        held.delete(file);
        fs.rmSync(file, {force: true});
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot lock ${owner.what}: ${(err as Error).message}`, `give ${owner.what} a directory you can write to`);
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue; // released since
      if (code === 'EACCES' || code === 'EPERM') throw new UserError(`${owner.what} is locked by another user (its lock ${file} cannot be read)`, `${owner.hint}; or run as the user who owns ${file}`);
      throw err;
    }
    const pid = Number.parseInt(text, 10);
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
      throw new UserError(`${owner.what} is already ${owner.use ?? 'in use'} by process ${pid}`, owner.hint);
    }
    fs.rmSync(file, {force: true});
  }
}
