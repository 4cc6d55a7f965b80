/** Capped exponential back-off: initial, 2x, 4x, ... up to max. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {initialMs: 500, maxMs: 30_000};

/**
 * The wait before retry number `attempt` (0-based), at least `askedMs`, the wait the other side
 * asked for (an HTTP Retry-After), capped at max. The doubling stays the floor: a gateway that
 * always says "Retry-After: 0" is not probed in a tight loop.
 */
export function backoffDelay(attempt: number, {initialMs, maxMs}: BackoffPolicy, askedMs = 0): number {
  return Math.min(maxMs, Math.max(askedMs, initialMs * 2 ** Math.min(attempt, 30)));
}

/** Resolves after ms, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, {once: true});
  });
}

/** Waits for `work` at most `ms`; true if it settled by then. The timer never outlives the wait. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const done = new AbortController();
  let settled = false;
  const watched = work.then(
    () => undefined,
    () => undefined,
  ).finally(() => {
    settled = true;
    done.abort();
  });
  await Promise.race([watched, sleep(ms, done.signal)]);
  return settled;
}
