/** Long-poll support: Fetch requests wait here until one of their partitions gets data. */
export class PartitionWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();

  static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  notify(topic: string, partition: number): void {
    const set = this.waiting.get(PartitionWaiters.key(topic, partition));
    if (!set) return;
    for (const wake of [...set]) wake();
  }

  /** Resolves on the first append to any of `keys`, after `ms`, or when `signal` aborts. */
  wait(keys: string[], ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', wake);
        for (const k of keys) {
          const set = this.waiting.get(k);
          set?.delete(wake);
          if (set?.size === 0) this.waiting.delete(k);
        }
        resolve();
      };
      const timer = setTimeout(wake, ms);
      signal?.addEventListener('abort', wake);
      for (const k of keys) {
        let set = this.waiting.get(k);
        if (!set) this.waiting.set(k, (set = new Set()));
        set.add(wake);
      }
    });
  }

  wakeAll(): void {
    for (const set of [...this.waiting.values()]) for (const wake of [...set]) wake();
  }
}

interface HighWatermarkWaiter {
  offset: number;
  wake: () => void;
}

/**
 * acks=all (Kafka's produce purgatory): a request waits for the high watermark to pass the last
 * offset it appended and is woken when it does, not by every append or fetch in between; a
 * change of the partition's leadership or ISR wakes all of its waiters to check again.
 */
export class HighWatermarkWaiters {
  /** Per partition, in ascending offset order, so an advance wakes a prefix. */
  private readonly waiting = new Map<string, HighWatermarkWaiter[]>();

  /** Resolves once the high watermark passes `offset` (see advanced), on recheck, after `ms`, or when `signal` aborts. */
  wait(key: string, offset: number, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let list = this.waiting.get(key);
      if (!list) this.waiting.set(key, (list = []));
      const waiter: HighWatermarkWaiter = {offset, wake: () => settle()};
      const settle = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', leave);
        resolve();
      };
      // A timeout or abort takes the waiter out of the list itself; advanced and recheck already did.
      const leave = () => {
        const at = list.indexOf(waiter);
        if (at >= 0) list.splice(at, 1);
        if (list.length === 0 && this.waiting.get(key) === list) this.waiting.delete(key);
        settle();
      };
      const timer = setTimeout(leave, ms);
      signal.addEventListener('abort', leave);
      // Requests append in offset order, so the place is nearly always the end.
      let at = list.length;
      while (at > 0 && list[at - 1].offset > offset) at--;
      list.splice(at, 0, waiter);
    });
  }

  /** The partition's high watermark is now `hw`: wakes every waiter for an offset below it. */
  advanced(key: string, hw: number): void {
    const list = this.waiting.get(key);
    if (!list) return;
    let n = 0;
    while (n < list.length && list[n].offset < hw) n++;
    if (n === 0) return;
    const woken = list.splice(0, n);
    if (list.length === 0) this.waiting.delete(key);
    for (const w of woken) w.wake();
  }

  /** Leadership or the ISR changed: every waiter of the partition checks again. */
  recheck(key: string): void {
    const list = this.waiting.get(key);
    if (!list) return;
    this.waiting.delete(key);
    for (const w of list) w.wake();
  }

  recheckAll(): void {
    for (const key of [...this.waiting.keys()]) this.recheck(key);
  }
}
