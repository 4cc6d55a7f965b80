/**
 * What a drain does when its consumer cannot decode what it fetched (a damaged log, or a batch
 * stored before the broker validated batches): kafkajs gives up on the whole fetch and stops.
 * Here each partition is read again from the group's committed offset, batch by batch: the
 * records before the first undecodable batch go to the sink, that batch's bytes go to the
 * dead-letter topic with its offsets and the reason, and the group commits past it, so the drain
 * can go on and nothing is skipped without a trace.
 */
import type {Admin} from 'kafkajs';
import {ClusterConnections} from '../client/cluster-connections.js';
import type {FetchedRecord} from '../client/fetcher.js';
import {check} from '../client/wire-connection.js';
import type {Sink} from '../pipeline/sink.js';
import {deliverBatch} from '../pipeline/sink-runner.js';
import {Fetch} from '../protocol/messages/01-fetch.js';
import {iterateBatches} from '../protocol/records/batch.js';
import {decodeBatches} from '../protocol/records/records.js';
import type {DeadLetterQueue} from '../sinks/dead-letter.js';
import {recordToEvent} from './events.js';

/** More than kafkajs fetches per partition (1 MiB), so the batch it failed on is in reach. */
const SCAN_BYTES = 16 << 20;

export interface UndecodableBatch {
  partition: number;
  baseOffset: number;
  lastOffset: number;
  reason: string;
}

export interface SkipOptions {
  brokers: string[];
  topic: string;
  groupId: string;
  admin: Admin;
  sink: Sink;
  deadLetters: DeadLetterQueue;
  /** Where a partition without a committed offset starts. */
  startAtBeginning: boolean;
}

export interface SkipResult {
  skipped: UndecodableBatch[];
  written: number;
  deadLettered: number;
}

export async function skipUndecodable(options: SkipOptions): Promise<SkipResult> {
  const {topic, groupId, admin} = options;
  const result: SkipResult = {skipped: [], written: 0, deadLettered: 0};
  const [ends, [offsets]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({groupId, topics: [topic]})]);
  const cluster = new ClusterConnections(options.brokers, 'kcollect-drain');
  try {
    const leaders = await cluster.topicLeaders(topic);
    for (const end of ends) {
      const committed = Number(offsets.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
      const from = committed >= 0 ? committed : options.startAtBeginning ? Number(end.low) : Number(end.high);
      const leader = leaders.find((l) => l.partition === end.partition)?.leader ?? -1;
      if (from >= Number(end.high) || leader < 0) continue;
      const found = await firstUndecodable(cluster, leader, topic, end.partition, from);
      if (!found) continue;
      if (found.before.length > 0) {
        const done = await deliverBatch(options.sink, found.before.map(recordToEvent), options.deadLetters);
        result.written += done.written;
        result.deadLettered += done.deadLettered;
      }
      const {batch} = found;
      await options.deadLetters.send([
        {
          event: {headers: {}, body: found.bytes, kafka: {topic, partition: end.partition, offset: batch.baseOffset, timestamp: -1, key: null}},
          reason: `undecodable record batch at offsets ${batch.baseOffset}..${batch.lastOffset}: ${batch.reason}`,
        },
      ]);
      result.deadLettered++;
      await admin.setOffsets({groupId, topic, partitions: [{partition: end.partition, offset: String(batch.lastOffset + 1)}]});
      result.skipped.push(batch);
    }
  } finally {
    cluster.close();
  }
  return result;
}

/** Reads from `from` and decodes batch by batch; the first that fails, with the records before it. */
async function firstUndecodable(cluster: ClusterConnections, leader: number, topic: string, partition: number, from: number) {
  const {conn, version} = await cluster.pick(leader, Fetch, [4, 11]);
  const res = await conn.request(Fetch, version, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: SCAN_BYTES,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{topic, partitions: [{partition, fetchOffset: from, partitionMaxBytes: SCAN_BYTES, currentLeaderEpoch: -1, logStartOffset: -1}]}],
    forgottenTopicsData: [],
    rackId: '',
  });
  check(res.errorCode, `fetch ${topic}/${partition}`);
  const p = res.responses[0]?.partitions[0];
  check(p?.errorCode ?? 0, `fetch ${topic}/${partition}`);
  const records: Buffer | null = p?.records ?? null;
  if (!records) return undefined;
  const before: FetchedRecord[] = [];
  for (const {at, header} of iterateBatches(records)) {
    const bytes = records.subarray(at, at + header.size);
    const lastOffset = header.baseOffset + header.lastOffsetDelta;
    try {
      for (const b of await decodeBatches(bytes)) {
        for (const r of b.records) if (r.offset >= from) before.push({topic, partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers});
      }
    } catch (err) {
      return {before, bytes: Buffer.from(bytes), batch: {partition, baseOffset: header.baseOffset, lastOffset, reason: (err as Error).message}};
    }
  }
  return undefined;
}
