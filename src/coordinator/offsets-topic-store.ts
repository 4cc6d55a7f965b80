import {
  decodeConsumerOffsetsKey,
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  groupMetadataKey,
  groupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
  OFFSETS_TOPIC,
  offsetsPartitionFor,
} from '../protocol/consumer-offsets.js';
import {Attr} from '../protocol/records/batch.js';
import {isControlBatch, markerOf} from '../protocol/records/control.js';
import {encodeBatchUncompressed, decodeUncompressedBatch, type RecordInput} from '../protocol/records/records.js';
import type {PartitionLog} from '../storage/partition-log.js';
import type {GroupStore, GroupStoreState, StoredGroup, StoredOffset, TxnProducer} from './group-store.js';

/** How the store reaches the `__consumer_offsets` partitions the broker holds. */
export interface OffsetsTopicAccess {
  /** Partition count of the topic, undefined while it does not exist. */
  partitions(): number | undefined;
  log(partition: number): PartitionLog | undefined;
  /** Appends a batch as leader (offsets, leader epoch, high watermark); durable when it returns. */
  append(partition: number, batch: Buffer): void;
}

/**
 * Committed offsets and group metadata as Kafka keeps them: records in the internal compacted
 * topic `__consumer_offsets`, in the partition abs(hash(groupId)) % partitions, keyed
 * OffsetCommitKey / GroupMetadataKey, with null values as tombstones. Reading a partition back
 * (last record per key wins) is how a coordinator loads its groups.
 */
export class OffsetsTopicStore implements GroupStore {
  /** Offsets per group, to write the tombstones of a deleted group or topic. */
  private readonly committed = new Map<string, Set<string>>();

  constructor(private readonly topic: OffsetsTopicAccess) {}

  partitionFor(groupId: string): number | undefined {
    const n = this.topic.partitions();
    return n === undefined ? undefined : offsetsPartitionFor(groupId, n);
  }

  /** Every partition this broker holds; a cluster loads partition by partition instead (loadPartition). */
  load(): GroupStoreState {
    const state: GroupStoreState = {groups: [], offsets: []};
    for (let p = 0; p < (this.topic.partitions() ?? 0); p++) {
      const part = this.loadPartition(p);
      state.groups.push(...part.groups);
      state.offsets.push(...part.offsets);
    }
    return state;
  }

  /** The groups of one partition, as its records say (the last record per key wins). */
  loadPartition(partition: number): GroupStoreState {
    const log = this.topic.log(partition);
    const groups = new Map<string, StoredGroup>();
    const offsets = new Map<string, StoredOffset & {groupId: string}>();
    // TxnOffsetCommit records wait for their producer's marker: COMMIT applies them, ABORT drops them.
    const pending = new Map<number, Array<StoredOffset & {groupId: string; producerId: number}>>();
    if (!log) return {groups: [], offsets: []};
    for (const rec of readAll(log)) {
      if (rec.marker) {
        if (rec.marker === 'COMMIT') for (const o of pending.get(rec.producerId) ?? []) offsets.set(offsetId(o.groupId, o.topic, o.partition), o);
        pending.delete(rec.producerId);
        continue;
      }
      if (!rec.key) continue;
      const key = decodeConsumerOffsetsKey(rec.key);
      if (!key) continue;
      if (key.type === 'group') {
        if (rec.value === null) groups.delete(key.group);
        else {
          const v = decodeGroupMetadataValue(rec.value);
          groups.set(key.group, {groupId: key.group, protocolType: v.protocolType || null, protocolName: v.protocol, generationId: v.generation});
        }
        continue;
      }
      const id = offsetId(key.group, key.topic, key.partition);
      if (rec.transactional && rec.value !== null) {
        const list = pending.get(rec.producerId) ?? [];
        list.push({groupId: key.group, topic: key.topic, partition: key.partition, producerId: rec.producerId, ...decodeOffsetCommitValue(rec.value)});
        pending.set(rec.producerId, list);
      } else if (rec.value === null) offsets.delete(id);
      else offsets.set(id, {groupId: key.group, topic: key.topic, partition: key.partition, ...decodeOffsetCommitValue(rec.value)});
    }
    for (const g of [...this.committed.keys()]) if (this.partitionFor(g) === partition) this.committed.delete(g);
    for (const o of offsets.values()) this.remember(o.groupId, o.topic, o.partition);
    return {groups: [...groups.values()], offsets: [...offsets.values()], pendingTxnOffsets: [...pending.values()].flat()};
  }

  appendOffsets(groupId: string, offsets: StoredOffset[], txn?: TxnProducer): void {
    this.write(
      groupId,
      offsets.map((o) => ({key: offsetCommitKey(groupId, o.topic, o.partition), value: offsetCommitValue(o), timestamp: o.commitTimestamp})),
      txn,
    );
    if (!txn) for (const o of offsets) this.remember(groupId, o.topic, o.partition);
  }

  committedTransactionally(groupId: string, offsets: StoredOffset[]): void {
    for (const o of offsets) this.remember(groupId, o.topic, o.partition);
  }

  saveGroup(group: StoredGroup): void {
    const value = groupMetadataValue({
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leader ?? null,
      currentStateTimestamp: Date.now(),
      members: group.members ?? [],
    });
    this.write(group.groupId, [{key: groupMetadataKey(group.groupId), value}]);
  }

  deleteGroup(groupId: string): void {
    const tombstones: RecordInput[] = [...this.offsetKeys(groupId)].map(([topic, partition]) => ({key: offsetCommitKey(groupId, topic, partition), value: null}));
    tombstones.push({key: groupMetadataKey(groupId), value: null});
    this.write(groupId, tombstones);
    this.committed.delete(groupId);
  }

  deleteTopicOffsets(topic: string): void {
    for (const groupId of [...this.committed.keys()]) {
      const gone = [...this.offsetKeys(groupId)].filter(([t]) => t === topic);
      if (gone.length === 0) continue;
      this.write(groupId, gone.map(([t, p]) => ({key: offsetCommitKey(groupId, t, p), value: null})));
      const set = this.committed.get(groupId)!;
      for (const [t, p] of gone) set.delete(offsetId(groupId, t, p));
    }
  }

  close(): void {}

  /** A transaction's offsets go in a transactional batch of its producer, as Kafka writes them. */
  private write(groupId: string, records: RecordInput[], txn?: TxnProducer): void {
    if (records.length === 0) return;
    const partition = this.partitionFor(groupId);
    if (partition === undefined) throw new Error(`the ${OFFSETS_TOPIC} topic does not exist yet`);
    const batch = txn ? encodeBatchUncompressed(records, {producerId: txn.producerId, producerEpoch: txn.producerEpoch, transactional: true}) : encodeBatchUncompressed(records);
    this.topic.append(partition, batch);
  }

  private remember(groupId: string, topic: string, partition: number): void {
    let set = this.committed.get(groupId);
    if (!set) this.committed.set(groupId, (set = new Set()));
    set.add(offsetId(groupId, topic, partition));
  }

  private *offsetKeys(groupId: string): Iterable<[string, number]> {
    for (const id of this.committed.get(groupId) ?? []) {
      const [, topic, partition] = id.split('\u0000');
      yield [topic!, Number(partition)];
    }
  }
}

function offsetId(group: string, topic: string, partition: number): string {
  return `${group}\u0000${topic}\u0000${partition}`;
}

/** Every record of the log, start to end, in offset order, with its batch's producer; a marker stands for its control batch. */
function* readAll(log: PartitionLog) {
  for (const {batch, header} of log.batches()) {
    const producerId = header.producerId;
    if (isControlBatch(header.attributes)) yield {key: null, value: null, producerId, transactional: true, marker: markerOf(batch)};
    else {
      const transactional = (header.attributes & Attr.transactional) !== 0;
      for (const rec of decodeUncompressedBatch(batch)) yield {...rec, producerId, transactional, marker: undefined};
    }
  }
}
