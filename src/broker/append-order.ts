/**
 * Keeps the appends to each partition in arrival order when some of them wait: for an
 * asynchronous check (decompressing a compressed batch to validate it), or for their own write
 * (a large batch is written on the thread pool, and the log takes nothing else meanwhile). An
 * idempotent producer's pipelined batches must land in the order it sent them. With nothing
 * waiting, an append runs synchronously, as before.
 */
export class AppendOrder {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `append(checked)` once `check` settled and every earlier append of `key` ended. */
  enqueue<C, T>(key: string, check: C | Promise<C>, append: (checked: C) => T | Promise<T>): T | Promise<T> {
    const tail = this.tails.get(key);
    const result = !tail && !(check instanceof Promise) ? append(check) : Promise.all([check, tail]).then(([checked]) => append(checked));
    if (!(result instanceof Promise)) return result;
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
