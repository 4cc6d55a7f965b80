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
