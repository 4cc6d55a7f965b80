import fs from 'node:fs';
import path from 'node:path';
import type {Event} from '../../src/pipeline/event.js';
import type {SourceContext} from '../../src/pipeline/source.js';
import {TailSource, type TailSourceOptions} from '../../src/sources/tail/tail-source.js';
import {PositionStore, type FilePosition} from '../../src/sources/tail/position-store.js';

/**
 * A SourceContext that keeps what was delivered. `before` runs inside deliver() before the
 * events count as safe: a test makes delivery slow or failing there, and checks that the
 * position file never claims events still in flight.
 */
export class RecordingContext implements SourceContext {
  readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  readonly delivered: Event[] = [];
  readonly counts: Record<string, number> = {};
  readonly logs: string[] = [];
  before?: (events: Event[]) => Promise<void> | void;

  async deliver(events: Event[]): Promise<void> {
    await this.before?.(events);
    this.delivered.push(...events);
  }

  count(counter: string, n = 1): void {
    this.counts[counter] = (this.counts[counter] ?? 0) + n;
  }

  log(line: string): void {
    this.logs.push(line);
  }

  /** Bodies of the accepted (not rejected) events, as text. */
  lines(): string[] {
    return this.delivered.filter((e) => !e.rejected).map((e) => e.body.toString());
  }
}

export interface RunningTail {
  ctx: RecordingContext;
  /** Aborts the source and waits until run() returned (positions saved). */
  stop(): Promise<void>;
}

export const FAST = {pollIntervalMs: 20, rotateWaitMs: 100, multilineTimeoutMs: 100, maxLineBytes: 1000} as const;

export function startTail(options: Partial<TailSourceOptions> & Pick<TailSourceOptions, 'patterns' | 'positionFile'>, ctx = new RecordingContext()): RunningTail {
  const source = new TailSource({name: 'tail', startAt: 'beginning', ...FAST, ...options});
  const done = source.run(ctx);
  // Surface a crash of run() in the waiting test instead of an unhandled rejection.
  let failure: unknown;
  done.catch((err) => (failure = err));
  (ctx as {failure?: () => unknown}).failure = () => failure;
  return {
    ctx,
    async stop() {
      ctx.controller.abort();
      await done;
    },
  };
}

/** Polls until `check` holds (or throws after 20 s with `what`); no fixed sleeps. */
export async function until(what: string, check: () => boolean, ctx?: RecordingContext): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    const failure = (ctx as {failure?: () => unknown} | undefined)?.failure?.();
    if (failure) throw failure;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${ctx ? `; delivered: ${JSON.stringify(ctx.lines())}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function numbered(prefix: string, from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i <= to; i++) out.push(`${prefix} line ${i}`);
  return out;
}

export function append(file: string, lines: string[]): void {
  fs.appendFileSync(file, lines.map((l) => `${l}\n`).join(''));
}

/** The positions a restart would resume from (the position file and its progress record). */
export function readPositions(positionFile: string): FilePosition[] {
  return fs.existsSync(positionFile) ? PositionStore.load(positionFile).all() : [];
}

export function inodeOf(file: string): string {
  return String(fs.statSync(file, {bigint: true}).ino);
}

export function paths(dir: string) {
  return {log: path.join(dir, 'a.log'), rotated: path.join(dir, 'a.log.1'), positions: path.join(dir, 'state', 'positions.json')};
}
