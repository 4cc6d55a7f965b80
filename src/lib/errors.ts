import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A problem the user can fix: printed as one line plus a hint, exit code 1, no stack. */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** A problem in kcollect itself: printed with its stack and a request to report it. */
export class BugError extends Error {
  constructor(message: string, options?: {cause?: unknown}) {
    super(message, options);
    this.name = 'BugError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Why a source cannot listen, as a UserError when the address is the user's to change. */
export function listenFailure(bind: string, port: number, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new UserError(`cannot listen on ${bind}:${port}: the port is in use by another process (EADDRINUSE)`, 'stop the other process, or give this source another port in the agent file');
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') return new UserError(`cannot listen on ${bind}:${port} (${code})`, 'give this source a local bind address and a port above 1023');
  return new Error(`cannot listen on ${bind}:${port}: ${errorMessage(err)}`, {cause: err});
}

const UNREADABLE: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'does not exist (a part of its path is a file)',
  EACCES: 'cannot be read (permission denied)',
  EPERM: 'cannot be read (operation not permitted)',
  EISDIR: 'is a directory, not a file',
  ELOOP: 'is a symbolic link loop',
};

/** A file the user named that cannot be read, as a UserError naming it and why; others pass through. */
export function unreadableFile(file: string, err: unknown, hint: string): Error {
  const why = UNREADABLE[(err as NodeJS.ErrnoException).code ?? ''];
  return why ? new UserError(`${file} ${why}`, hint) : (err as Error);
}

/** Why a file cannot be read, to follow its name: "cannot be read (permission denied)", else the error's message. */
export function whyUnreadable(err: unknown): string {
  return UNREADABLE[(err as NodeJS.ErrnoException).code ?? ''] ?? `cannot be read: ${errorMessage(err)}`;
}

/**
 * A file-system call refused for permissions (a state directory such as .kcollect made by another
 * user, a read-only mount) is the user's to fix, not a bug: it says which path, whose it is, and
 * which user kcollect runs as. Undefined for any other error.
 */
export function permissionDenied(err: unknown): UserError | undefined {
  const {code, path: target, syscall} = err as NodeJS.ErrnoException;
  if (target === undefined || (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS')) return undefined;
  if (code === 'EROFS') return new UserError(`cannot ${syscall ?? 'write'} ${target}: the file system is read-only`, 'run kcollect from a directory on a writable file system');
  const owner = ownerOfNearest(target);
  const user = userName();
  const whose = owner === undefined ? '' : ` (${owner.path} belongs to ${owner.user})`;
  return new UserError(
    `cannot ${syscall ?? 'open'} ${target}: permission denied for user ${user}${whose}`,
    owner && owner.user !== user ? `run kcollect as ${owner.user}, or from a directory of your own (each working directory keeps its own .kcollect state)` : 'check the permissions of the path (ls -ld) and of the directories above it',
  );
}

/** The owner of `target`, or of the nearest directory above it that exists. */
function ownerOfNearest(target: string): {path: string; user: string} | undefined {
  for (let p = path.resolve(target); ; p = path.dirname(p)) {
    try {
      const {uid} = fs.statSync(p);
      return {path: path.relative('', p) || '.', user: uidName(uid)};
    } catch {
      if (p === path.dirname(p)) return undefined;
    }
  }
}

/** The user this process runs as, by name. */
export function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.()}`;
  }
}

/** A uid's name from /etc/passwd, else "uid N". */
function uidName(uid: number): string {
  try {
    const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(uid));
    if (line) return line.split(':')[0];
  } catch {
    // no passwd file (a container): the number says it
  }
  return `uid ${uid}`;
}
