/**
 * Makes the disk seam (src/lib/fs.ts `diskIo`) fail the way a full disk does, so each writer's
 * rollback can be tested: after `allowBytes` more bytes, writes are short, then ENOSPC.
 */
import {diskIo} from '../../src/lib/fs.js';

export interface FullDisk {
  /** Space comes back: writes succeed again. */
  free(): void;
  /** Puts the real writes back (call in afterEach). */
  restore(): void;
  /** Write calls refused so far. */
  readonly refused: number;
}

export function fillDisk({allowBytes = 0, shortWrites = true}: {allowBytes?: number; shortWrites?: boolean} = {}): FullDisk {
  const real = diskIo.write;
  let left = allowBytes;
  let full = true;
  let refused = 0;
  diskIo.write = (fd, buffer, offset, length, position) => {
    if (!full) return real(fd, buffer, offset, length, position);
    if (left <= 0) {
      refused++;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'});
    }
    // A full disk first takes part of a write (a short write), then refuses.
    const n = Math.min(length, shortWrites ? left : length <= left ? length : 0);
    if (n === 0) {
      refused++;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'});
    }
    left -= n;
    return real(fd, buffer, offset, n, position);
  };
  return {
    free: () => {
      full = false;
    },
    restore: () => {
      diskIo.write = real;
    },
    get refused() {
      return refused;
    },
  };
}
