/**
 * Keeps the appends to each partition in arrival order when some of them first wait for an
 * asynchronous check (decompressing a compressed batch to validate it): an idempotent producer's
 * pipelined batches must land in the order it sent them. With nothing waiting, an append runs
 * synchronously, as before.
 */
export class AppendOrder {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `append(checked)` once `check` settled and every earlier append of `key` ran. */
  enqueue<C, T>(key: string, check: C | Promise<C>, append: (checked: C) => T): T | Promise<T> {
    const tail = this.tails.get(key);
    if (!tail && !(check instanceof Promise)) return append(check);
    const result = Promise.all([check, tail]).then(([checked]) => append(checked));
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return result;
  }
}
