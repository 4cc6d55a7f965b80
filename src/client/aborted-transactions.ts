import {Attr, type BatchHeader} from '../protocol/records/batch.js';

/**
 * read_committed as Kafka's consumer does it: a fetch response lists the aborted transactions
 * (producer id, first offset) of the range it covers; a transactional batch of a producer whose
 * aborted transaction has begun is dropped until that producer's marker ends it. Control
 * batches (the markers themselves) are never records for the application.
 */
export class AbortedTransactions {
  private readonly upcoming: Array<{producerId: number; firstOffset: number}>;
  private readonly aborting = new Set<number>();

  constructor(list: Array<{producerId: number; firstOffset: number}> | null | undefined) {
    this.upcoming = [...(list ?? [])].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** True when the batch's records are not to be delivered. */
  skip(h: BatchHeader): boolean {
    if (h.attributes & Attr.control) {
      this.aborting.delete(h.producerId);
      return true;
    }
    if (!(h.attributes & Attr.transactional)) return false;
    const last = h.baseOffset + h.lastOffsetDelta;
    while (this.upcoming.length > 0 && this.upcoming[0]!.firstOffset <= last) this.aborting.add(this.upcoming.shift()!.producerId);
    return this.aborting.has(h.producerId);
  }
}
