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
