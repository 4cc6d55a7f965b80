import fs from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from '../lib/fs.js';
import {pidAlive} from '../lib/process.js';
import type {ComponentSnapshot} from './metrics.js';

/** Where running agents and drains publish their status; `kcollect status` and the dashboard read it. */
export const STATUS_DIR = path.join('.kcollect', 'status');

export interface StatusDocument {
  name: string;
  kind: 'agent' | 'drain';
  pid: number;
  startedAt: string;
  updatedAt: string;
  /** running, or stopped once the process ended cleanly. */
  state: 'running' | 'stopped';
  components: ComponentSnapshot[];
}

/** Rewrites `<dir>/<name>.json` every interval (atomically), and a last time on stop. */
export class StatusPublisher {
  private timer?: NodeJS.Timeout;
  private readonly startedAt = new Date().toISOString();
  readonly file: string;

  constructor(
    private readonly name: string,
    private readonly kind: StatusDocument['kind'],
    private readonly components: () => ComponentSnapshot[],
    dir = STATUS_DIR,
  ) {
    this.file = path.join(dir, `${name.replace(/[^\w.-]/g, '_')}.json`);
  }

  start(intervalMs = 1000): void {
    fs.mkdirSync(path.dirname(this.file), {recursive: true, mode: 0o700});
    this.publish('running');
    this.timer = setInterval(() => this.publish('running'), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.publish('stopped');
  }

  private publish(state: StatusDocument['state']): void {
    const doc: StatusDocument = {name: this.name, kind: this.kind, pid: process.pid, startedAt: this.startedAt, updatedAt: new Date().toISOString(), state, components: this.components()};
    try {
      // No fsync: it is rewritten every second, and a flush to disk would stall the data path.
      writeFileAtomic(this.file, JSON.stringify(doc, null, 2), {fsync: false});
    } catch {
      // Status is for people watching; a full disk must not stop the pipeline.
    }
  }
}

/** Pipelines that stopped or died are shown this long after their last status, then left out. */
export const FINISHED_SHOWN_MS = 15 * 60_000;

/**
 * Every published status; a "running" one whose process is gone is reported as "dead". One that
 * stopped or died more than FINISHED_SHOWN_MS ago is left out (its file stays).
 */
export function readStatuses(dir = STATUS_DIR, now = Date.now()): Array<StatusDocument & {alive: boolean}> {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: Array<StatusDocument & {alive: boolean}> = [];
  for (const name of names) {
    try {
      const doc = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as StatusDocument;
      const alive = doc.state === 'running' && pidAlive(doc.pid);
      if (!alive && now - Date.parse(doc.updatedAt) > FINISHED_SHOWN_MS) continue;
      out.push({...doc, alive});
    } catch {
      // A file being replaced or not ours: skip it.
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
