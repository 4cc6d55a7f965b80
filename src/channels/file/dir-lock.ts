import fs from 'node:fs';
import path from 'node:path';
import {UserError} from '../../lib/errors.js';

/**
 * A `lock` file holding the owner's pid: two agents appending to one log would interleave records
 * and corrupt it. A lock whose process is gone (kill -9) is taken over.
 */
export class DirLock {
  private constructor(private readonly file: string) {}

  static acquire(dir: string, what: string): DirLock {
    const file = path.join(dir, 'lock');
    for (;;) {
      try {
        fs.writeFileSync(file, `${process.pid}\n`, {flag: 'wx'});
        return new DirLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new UserError(`${what} directory ${dir} is in use by process ${pid}`, 'give each channel its own directory, or stop the other agent first');
      }
      fs.rmSync(file, {force: true});
    }
  }

  release(): void {
    fs.rmSync(this.file, {force: true});
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
