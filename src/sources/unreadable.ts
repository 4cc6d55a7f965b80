import fs from 'node:fs';
import {userName, whyUnreadable} from '../lib/errors.js';

/**
 * Files a source could not open (no read permission, mostly), each said once. A source tries
 * such a file again at every look (opening is cheap, and it may have become readable), but says
 * so again only when something that decides access changed: the error, the inode (another file
 * of that name), its mode or its owner. Not its size or times: a log someone else's process
 * writes changes those all the time.
 */
export class UnreadableFiles {
  /** Path -> what was said about it, and the error code and the file's inode, mode and owner then. */
  private readonly failed = new Map<string, {signature: string; reason: string}>();

  /** Records that `file` could not be opened; the reason to say, or undefined when it was said already. */
  note(file: string, err: unknown): string | undefined {
    const reason = whyUnreadable(err);
    const signature = `${(err as NodeJS.ErrnoException).code}:${statSignature(file)}`;
    if (this.failed.get(file)?.signature === signature) return undefined;
    this.failed.set(file, {signature, reason});
    return reason;
  }

  /** `file` was opened (or is gone): said again if it fails later. True when it was unreadable. */
  forget(file: string): boolean {
    return this.failed.delete(file);
  }

  has(file: string): boolean {
    return this.failed.has(file);
  }

  /** The files unreadable now, with why. */
  list(): Array<{file: string; reason: string}> {
    return [...this.failed].map(([file, {reason}]) => ({file, reason}));
  }
}

/** What to do about a file this process may not read: names the user it runs as. */
export function readableHint(): string {
  return `make it readable to user ${userName()}, which kcollect runs as (chmod/chown)`;
}

function statSignature(file: string): string {
  try {
    const st = fs.statSync(file, {bigint: true});
    return `${st.dev}:${st.ino}:${st.mode}:${st.uid}:${st.gid}`;
  } catch {
    return 'gone';
  }
}
