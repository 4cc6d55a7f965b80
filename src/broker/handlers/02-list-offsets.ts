// ListOffsets 0-8: timestamp -2 = earliest, -1 = latest, else the first offset with a
// timestamp >= T below the high watermark (the last stable offset for read_committed), or -1/-1
// when there is none. v0 (Sarama's default, so Burrow) answers a list of at most max_num_offsets
// offsets instead of one offset and timestamp. With isolation_level 1
// (read_committed, v2+) latest is the last stable offset. current_leader_epoch (v4+) is fenced as
// in Fetch; the answer carries the leader epoch that wrote the offset (the latest one for the end).
import {ErrorCode} from '../../protocol/errors.js';
import {ListOffsets} from '../../protocol/messages/02-list-offsets.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {PartitionLog} from '../../storage/partition-log.js';
import type {Broker} from '../broker.js';
import type {Handler} from '../handler.js';
import {leaderEpochError} from './leader-epoch.js';

const LATEST = -1;
const EARLIEST = -2;
/** KIP-734 (v7+): the record with the largest timestamp. */
const MAX_TIMESTAMP = -3;
/** KIP-1005 (v8+): without tiered storage the local log is the whole log, and nothing is tiered. */
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;

export const listOffsetsHandler: Handler = {
  api: ListOffsets,
  minVersion: 0,
  maxVersion: 8,
  async handle(request, {broker, header, session}) {
    const v0 = header.apiVersion === 0;
    const failed = (partitionIndex: number, errorCode: number) => ({partitionIndex, errorCode, oldStyleOffsets: [], timestamp: -1, offset: -1});
    return {
      throttleTimeMs: 0,
      topics: await Promise.all(
        request.topics.map(async (t: any) => ({
          name: t.name,
          partitions: await Promise.all(
            t.partitions.map(async (p: any) => {
              if (!broker.authorize(session, Operation.DESCRIBE, ResourceType.TOPIC, t.name)) return failed(p.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
              const log = broker.logs.partition(t.name, p.partitionIndex);
              if (!log) return failed(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
              const notLeader = broker.cluster?.leaderError(t.name, p.partitionIndex) ?? ErrorCode.NONE;
              if (notLeader !== ErrorCode.NONE) return failed(p.partitionIndex, notLeader);
              const epochError = leaderEpochError(broker, t.name, p.partitionIndex, p.currentLeaderEpoch ?? -1);
              if (epochError !== ErrorCode.NONE) return failed(p.partitionIndex, epochError);
              if (v0) return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, oldStyleOffsets: await oldStyleOffsets(log, p.timestamp, p.maxNumOffsets)};
              const found = await lookUp(broker, log, p.timestamp, request.isolationLevel === 1);
              // v4+: the leader epoch of the answer (KIP-320 clients validate their position with it); a single broker's is 0.
              const epochOf = (offset: number | 'latest') => (broker.cluster ? broker.cluster.epochAt(t.name, p.partitionIndex, offset) : 0);
              const leaderEpoch = found.offset < 0 ? -1 : p.timestamp === LATEST ? epochOf('latest') : epochOf(found.offset);
              return {partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, ...found, leaderEpoch};
            }),
          ),
        })),
      ),
    };
  },
};

/** The offset (and timestamp) a ListOffsets v1+ timestamp asks for. */
async function lookUp(broker: Broker, log: PartitionLog, timestamp: number, readCommitted: boolean): Promise<{timestamp: number; offset: number}> {
  if (timestamp === EARLIEST || timestamp === EARLIEST_LOCAL) return {timestamp: -1, offset: log.logStartOffset};
  if (timestamp === LATEST) return {timestamp: -1, offset: readCommitted ? broker.producerStates.lastStableOffset(log) : log.highWatermark};
  if (timestamp === LATEST_TIERED) return {timestamp: -1, offset: -1};
  const found = await (timestamp === MAX_TIMESTAMP ? log.offsetOfMaxTimestamp() : log.offsetForTimestamp(timestamp));
  // As Kafka's Partition.fetchOffsetForTimestamp: only an offset the consumer may fetch, below
  // the high watermark or, for read_committed, below the last stable offset (an open transaction's).
  const fetchable = readCommitted ? broker.producerStates.lastStableOffset(log) : log.highWatermark;
  if (!found || found.offset >= fetchable) return {timestamp: -1, offset: -1};
  return found;
}

/**
 * Kafka's legacy answer, newest first: for latest the high watermark followed by the segment base
 * offsets, for earliest the log start offset, for a time the start of the first record at or
 * after it (the high watermark when there is none).
 */
async function oldStyleOffsets(log: PartitionLog, timestamp: number, max: number): Promise<number[]> {
  let offsets: number[];
  if (timestamp === EARLIEST) offsets = [log.logStartOffset];
  else if (timestamp === LATEST) offsets = [log.highWatermark, ...log.segmentBaseOffsets().filter((o) => o < log.highWatermark && o >= log.logStartOffset).reverse()];
  else offsets = [(await log.offsetForTimestamp(timestamp))?.offset ?? log.highWatermark];
  return offsets.slice(0, Math.max(0, max));
}
