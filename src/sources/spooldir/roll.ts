import fs from 'node:fs';
import path from 'node:path';
import {fsyncDir} from '../../lib/fs.js';

export type DeletePolicy = 'never' | 'immediate';

/**
 * Puts an ingested file out of the way: deletes it, or renames it to NAME<suffix>. Flume stops
 * when that name is taken (the spool name was re-used); kcollect keeps every file and uses the
 * first free NAME<suffix>.1, .2, ... instead. Returns the new path, or null when deleted.
 */
export function rollFile(file: string, policy: DeletePolicy, suffix: string): string | null {
  if (policy === 'immediate') {
    fs.unlinkSync(file);
    fsyncDir(path.dirname(file));
    return null;
  }
  let dest = file + suffix;
  // Only this source renames in the directory (it holds the lock), so check-then-rename is safe.
  for (let n = 1; fs.existsSync(dest); n++) dest = `${file}${suffix}.${n}`;
  fs.renameSync(file, dest);
  fsyncDir(path.dirname(file));
  return dest;
}
