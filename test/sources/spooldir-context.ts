import type {Event} from '../../src/pipeline/event.js';
import type {SourceContext} from '../../src/pipeline/source.js';

/**
 * A SourceContext that records what a source delivered (a stand-in for the channel; the source
 * under test is real). `onDeliver` runs inside deliver(), before it resolves.
 */
export class RecordingContext implements SourceContext {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  readonly events: Event[] = [];
  readonly logs: string[] = [];
  readonly counts = new Map<string, number>();
  deliveries = 0;

  constructor(private readonly options: {keep?: boolean; onDeliver?: (events: Event[], ctx: RecordingContext) => void | Promise<void>} = {}) {}

  async deliver(events: Event[]): Promise<void> {
    this.deliveries++;
    if (this.options.keep !== false) this.events.push(...events);
    await this.options.onDeliver?.(events, this);
  }

  count(counter: string, n = 1): void {
    this.counts.set(counter, (this.counts.get(counter) ?? 0) + n);
  }

  log(line: string): void {
    this.logs.push(line);
  }

  stop(): void {
    this.controller.abort();
  }

  bodies(): string[] {
    return this.events.map((e) => e.body.toString());
  }
}

/** Polls until `check` holds (the source works in the background). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
