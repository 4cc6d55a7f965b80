/**
 * A small tmpfs for end-to-end full-disk tests (root only): mounted on a temp dir, filled up
 * with a filler file, unmounted by the test's finally.
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {tempDir} from './broker.js';
import {requireTool} from './system-deps.js';

/** Whether tmpfs tests can run here: root, or a loud skip (a failure with KCOLLECT_REQUIRE_SYSTEM_DEPS=1). */
export function canMountTmpfs(): boolean {
  return requireTool('root (to mount a small tmpfs)', process.getuid?.() === 0, 'run the tests as root');
}

export interface SmallDisk {
  dir: string;
  /** Fills what is left with a filler file. */
  fill(): void;
  /** Deletes the filler: space is back. */
  free(): void;
  unmount(): void;
}

export function mountTmpfs(sizeMb = 8): SmallDisk {
  const dir = tempDir('tmpfs');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], {encoding: 'utf8'});
  if (mounted.status !== 0) throw new Error(`mount -t tmpfs failed: ${mounted.stderr}`);
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill: () => {
      const fd = fs.openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024);
      try {
        for (let size = chunk.length; size >= 1; ) {
          try {
            fs.writeSync(fd, chunk, 0, size);
          } catch {
            size = Math.floor(size / 2);
          }
        }
      } finally {
        fs.closeSync(fd);
      }
    },
    free: () => fs.rmSync(filler, {force: true}),
    unmount: () => {
      spawnSync('umount', [dir]);
    },
  };
}
