/**
 * Polls until `check` says yes (a check that throws counts as "not yet"); fails naming `what`
 * after `timeoutMs`. For preconditions that have no event to wait on.
 */
export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.resolve().then(check).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
