interface Held {
  batch: Buffer;
  base: number;
  /** One past the batch's last offset. */
  end: number;
}

/** Bytes held by every log's RecentBatches together, and how many they may hold. */
export class RecentBatchBudget {
  held = 0;
  constructor(readonly maxBytes: number) {}
}

/**
 * The last batches appended to a log, as written, so a fetch for them (a follower's next fetch
 * asks for what was appended since its last one) is answered from memory instead of a read back
 * from the segment into a new buffer. All logs share one budget: a log over it drops its own
 * oldest batches. The log empties it whenever its bytes can change other than by an append.
 */
export class RecentBatches {
  private held: Held[] = [];
  /** Index of the oldest batch still held (dropped ones are spliced off in bulk). */
  private first = 0;
  private bytes = 0;

  constructor(readonly budget: RecentBatchBudget) {}

  add(batch: Buffer, base: number, end: number): void {
    this.held.push({batch, base, end});
    this.bytes += batch.length;
    this.budget.held += batch.length;
    while (this.budget.held > this.budget.maxBytes && this.first < this.held.length) this.dropOldest();
    this.compact();
  }

  /** Followers have every offset below `offset`: what lies wholly below it is not needed any more. */
  releaseBelow(offset: number): void {
    while (this.first < this.held.length && this.held[this.first].end <= offset) this.dropOldest();
    this.compact();
  }

  clear(): void {
    this.budget.held -= this.bytes;
    this.held = [];
    this.first = 0;
    this.bytes = 0;
  }

  /**
   * What PartitionLog.read would return from its segments: whole batches from the one holding
   * `offset` (or the next after a gap), up to maxBytes but at least one, none based at or past
   * `upTo`. Undefined when the batches from `offset` on are not all held.
   */
  read(offset: number, maxBytes: number, upTo: number): Buffer[] | undefined {
    if (this.first === this.held.length || offset < this.held[this.first].base) return undefined;
    let i = this.first;
    while (i < this.held.length && this.held[i].end <= offset) i++;
    const out: Buffer[] = [];
    let budget = maxBytes;
    for (; i < this.held.length; i++) {
      const {batch, base} = this.held[i];
      if (base >= upTo || (out.length > 0 && batch.length > budget)) break;
      out.push(batch);
      budget -= batch.length;
      if (budget <= 0) break;
    }
    return out;
  }

  private dropOldest(): void {
    const {length} = this.held[this.first++].batch;
    this.bytes -= length;
    this.budget.held -= length;
  }

  private compact(): void {
    if (this.first === this.held.length) this.clear();
    else if (this.first > 64 && this.first * 2 > this.held.length) {
      this.held = this.held.slice(this.first);
      this.first = 0;
    }
  }
}
