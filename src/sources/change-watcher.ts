import {watch, type FSWatcher} from 'node:fs';
import path from 'node:path';

/**
 * Wakes a source as soon as a file it cares about changes (inotify through fs.watch on the
 * directories that hold them), so a line is read when it is written, not at the next poll.
 * The follower keeps polling as a safety net: for globbed directories nobody watches, NFS, an
 * inotify limit reached, or an event lost.
 */
export class ChangeWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  /** A change arrived since the follower last waited. */
  private changed = false;
  /** A name appeared, went or was renamed: the follower should look for new files and rotations. */
  private renamed = false;
  private wake?: () => void;

  constructor(
    /** Whether a change to this path concerns the follower (a followed file, or one a pattern names). */
    private readonly concerns: (file: string) => boolean,
    private readonly log: (line: string) => void,
  ) {}

  /** Watches exactly these directories from now on: new ones are added, the others closed. */
  watchDirectories(dirs: Iterable<string>): void {
    const wanted = new Set([...dirs].map((d) => path.resolve(d)));
    for (const [dir, watcher] of this.watchers) {
      if (wanted.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
    for (const dir of wanted) {
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, {persistent: false}, (eventType, name) => this.onEvent(dir, eventType, name));
        watcher.on('error', (err) => this.stopWatching(dir, err));
        this.watchers.set(dir, watcher);
      } catch (err) {
        // Missing directory (watched again once a file appears there), or no inotify watch left.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`cannot watch ${dir} (${(err as Error).message}); polling it`);
      }
    }
  }

  /** True once after a name changed in a watched directory. */
  takeRenamed(): boolean {
    const renamed = this.renamed;
    this.renamed = false;
    return renamed;
  }

  /**
   * Resolves on the first change since the last call, after `timeoutMs` without one, or when the
   * signal aborts. True when a change ended it.
   */
  async wait(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    if (!this.changed) await wakeableSleep(timeoutMs, signal, (wake) => (this.wake = wake));
    this.wake = undefined;
    if (!this.changed) return false;
    this.changed = false;
    return true;
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.wake?.();
  }

  private onEvent(dir: string, eventType: string, name: string | Buffer | null): void {
    // A busy file sends an event per write: once a change is noted, more of them add nothing.
    if (eventType === 'change' && this.changed) return;
    if (name !== null && !this.concerns(path.join(dir, name.toString()))) return;
    if (eventType === 'rename') this.renamed = true;
    this.changed = true;
    this.wake?.();
  }

  private stopWatching(dir: string, err: Error): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
    this.log(`stopped watching ${dir} (${err.message}); polling it`);
  }
}

/** sleep() that `onWake`'s function ends early. */
function wakeableSleep(ms: number, signal: AbortSignal, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, {once: true});
    onWake(done);
  });
}
