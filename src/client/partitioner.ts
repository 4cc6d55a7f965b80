/**
 * Partition choice as the Java producer makes it, so the same key lands on the same partition
 * whichever client wrote it: murmur2 of the key bytes, made positive, modulo the partition count
 * (org.apache.kafka.common.utils.Utils.murmur2 / toPositive). Records without a key stick to one
 * partition per batch and move on to the next one for the next batch (the sticky partitioner).
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Java's Utils.murmur2: a signed 32-bit hash of the bytes. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  const rem = length % 4;
  if (rem >= 3) h ^= (data[tail + 2] & 0xff) << 16;
  if (rem >= 2) h ^= (data[tail + 1] & 0xff) << 8;
  if (rem >= 1) {
    h ^= data[tail] & 0xff;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition the Java client (and kafkajs' DefaultPartitioner) picks for a key. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}

/** Sticky choice for records without a key: one partition per batch, rotating. */
export class StickyPartitioner {
  private next: number;
  constructor(private readonly numPartitions: number) {
    this.next = Math.floor(Math.random() * numPartitions);
  }

  /** The partition for the next batch of unkeyed records. */
  nextBatch(): number {
    const p = this.next;
    this.next = (this.next + 1) % this.numPartitions;
    return p;
  }
}
