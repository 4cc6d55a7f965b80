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
