import {nodeCrypto} from '../lib/lazy-builtins.js';

/**
 * The log cleaner's key -> latest offset map in one fixed buffer (Kafka's SkimpyOffsetMap): each
 * slot is a key's MD5 (16 bytes) and its offset + 1 (8 bytes, 0 = empty), found by linear
 * probing. Its memory is what it was given, however many keys the log holds; two keys with the
 * same MD5 count as one, as in Kafka.
 */

const HASH_BYTES = 16;
const SLOT_BYTES = HASH_BYTES + 8;
/** Kafka's log.cleaner.io.buffer.load.factor: probing stays short below it. */
export const OFFSET_MAP_LOAD_FACTOR = 0.9;

export class OffsetMap {
  private readonly table: Buffer;
  private readonly slots: number;
  private used = 0;

  /** Room for `entries` keys, within `maxBytes`. */
  constructor(entries: number, maxBytes: number) {
    const wanted = Math.ceil(Math.max(entries, 1) / OFFSET_MAP_LOAD_FACTOR) + 1;
    this.slots = Math.max(1, Math.min(wanted, Math.floor(maxBytes / SLOT_BYTES)));
    this.table = Buffer.alloc(this.slots * SLOT_BYTES);
  }

  get size(): number {
    return this.used;
  }

  /** Keys it can still take; the caller never puts more (the table must keep an empty slot). */
  get room(): number {
    return Math.floor((this.slots - 1) * OFFSET_MAP_LOAD_FACTOR) - this.used;
  }

  /** Records offset as key's latest (offsets arrive in increasing order). */
  put(key: Buffer, offset: number): void {
    const hash = md5(key);
    const at = this.find(hash);
    if (this.table.readDoubleLE(at + HASH_BYTES) === 0) {
      hash.copy(this.table, at);
      this.used++;
    }
    this.table.writeDoubleLE(offset + 1, at + HASH_BYTES);
  }

  /** key's latest offset, or -1. */
  get(key: Buffer): number {
    const at = this.find(md5(key));
    return this.table.readDoubleLE(at + HASH_BYTES) - 1;
  }

  /** The slot holding hash, or the empty slot where it would go. */
  private find(hash: Buffer): number {
    let slot = hash.readUInt32BE(0) % this.slots;
    for (;;) {
      const at = slot * SLOT_BYTES;
      if (this.table.readDoubleLE(at + HASH_BYTES) === 0 || this.table.compare(hash, 0, HASH_BYTES, at, at + HASH_BYTES) === 0) return at;
      slot = slot + 1 === this.slots ? 0 : slot + 1;
    }
  }
}

/** crypto.hash (Node 20.12+) is twice as fast as createHash for short keys. */
let md5 = (key: Buffer): Buffer => {
  const crypto = nodeCrypto();
  md5 = typeof crypto.hash === 'function' ? (k) => crypto.hash('md5', k, 'buffer') as unknown as Buffer : (k) => crypto.createHash('md5').update(k).digest();
  return md5(key);
};
