// Produce 3-8 (RecordBatch v2 only). throttle_time_ms is the last field of the response.
// acks=0 gets no response at all.
import {ErrorCode} from '../../protocol/errors.js';
import {Produce} from '../../protocol/messages/00-produce.js';
import {lastSequenceOf} from '../../coordinator/producer-state.js';
import {Attr, BATCH_HEADER_SIZE, Compression, type BatchHeader, batchCrcValid, compressionOf, readBatchHeader} from '../../protocol/records/batch.js';
import {timestampBounds, type TopicConfig} from '../../storage/topic-config.js';
import type {Broker} from '../broker.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const produceHandler: Handler = {
  api: Produce,
  minVersion: 3,
  maxVersion: 8,
  async handle(request, {broker, header, signal, session}) {
    const acks: number = request.acks;
    const validAcks = acks === 0 || acks === 1 || acks === -1;
    const responses = await Promise.all(
      request.topicData.map(async (t: any) => ({
        name: t.name,
        partitionResponses: await Promise.all(
          t.partitionData.map((p: any) => {
            if (!validAcks) return failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS);
            if (!broker.authorize(session, Operation.WRITE, ResourceType.TOPIC, t.name)) return failed(p.index, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const appended = appendPartition(broker, t.name, p.index, p.records, header.apiVersion, acks);
            return acks === -1 && appended.errorCode === ErrorCode.NONE ? awaitIsr(broker, t.name, appended, request.timeoutMs, signal) : appended;
          }),
        ),
      })),
    );
    if (acks === 0) return undefined;
    return {responses, throttleTimeMs: 0};
  },
};

/** acks=all: the answer waits until every ISR member has the batch (the high watermark passed it). */
async function awaitIsr(broker: Broker, topic: string, appended: ReturnType<typeof appendPartition> & {lastOffset?: number}, timeoutMs: number, signal: AbortSignal) {
  if (!broker.cluster || appended.lastOffset === undefined) return appended;
  const minIsr = broker.logs.topic(topic)?.config.minInsyncReplicas ?? 1;
  const errorCode = await broker.cluster.awaitReplication(topic, appended.index, appended.lastOffset, minIsr, timeoutMs, signal);
  return errorCode === ErrorCode.NONE ? appended : failed(appended.index, errorCode);
}

function failed(index: number, errorCode: number, errorMessage: string | null = null) {
  return {index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage};
}

/** Kafka's checks for a client batch (UnifiedLog.analyzeAndValidateRecords, LogValidator). */
function validateBatch(records: Buffer | null, maxMessageBytes: number, version: number): [number, string] | BatchHeader {
  if (!records || records.length < BATCH_HEADER_SIZE) return [ErrorCode.CORRUPT_MESSAGE, 'no record batch'];
  const h = readBatchHeader(records);
  if (h.magic !== 2) return [ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `magic ${h.magic}: only RecordBatch v2 is supported`];
  if (h.size !== records.length) return [ErrorCode.INVALID_RECORD, 'exactly one whole record batch per partition is expected'];
  if (h.size > maxMessageBytes) return [ErrorCode.MESSAGE_TOO_LARGE, `batch of ${h.size} bytes exceeds max.message.bytes=${maxMessageBytes}`];
  if (!batchCrcValid(records)) return [ErrorCode.CORRUPT_MESSAGE, 'CRC32C mismatch'];
  if (h.baseOffset !== 0) return [ErrorCode.INVALID_RECORD, 'base offset of a produced batch must be 0'];
  if (h.recordsCount <= 0 || h.lastOffsetDelta + 1 !== h.recordsCount) return [ErrorCode.INVALID_RECORD, 'record count does not match lastOffsetDelta'];
  if (h.attributes & Attr.control) return [ErrorCode.INVALID_RECORD, 'clients may not produce control batches'];
  if (h.attributes & Attr.logAppendTime) return [ErrorCode.INVALID_TIMESTAMP, 'producers may not set LogAppendTime'];
  if (compressionOf(h.attributes) > Compression.zstd) return [ErrorCode.CORRUPT_MESSAGE, 'unknown compression codec'];
  if (compressionOf(h.attributes) === Compression.zstd && version < 7) return [ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'zstd needs Produce v7+'];
  if (h.producerId >= 0 && h.baseSequence < 0) return [ErrorCode.INVALID_RECORD, 'an idempotent batch needs a base sequence'];
  return h;
}

/**
 * Kafka's LogValidator.validateTimestamp for CreateTime topics, applied to the batch's first and
 * largest timestamps (the header's), which bound every record a producer writes in order.
 */
function timestampError(h: BatchHeader, config: TopicConfig, now: number): string | undefined {
  if (config.messageTimestampType !== 'CreateTime') return undefined;
  const {beforeMs, afterMs} = timestampBounds(config);
  for (const ts of [h.baseTimestamp, h.maxTimestamp]) {
    if (ts >= 0 && (ts < now - beforeMs || ts > now + afterMs)) {
      return `timestamp ${ts} is out of range: it must lie within [${now - beforeMs}, ${now + afterMs}] (message.timestamp.before.max.ms/after.max.ms/difference.max.ms of this topic)`;
    }
  }
  return undefined;
}

function appendPartition(broker: Broker, topicName: string, index: number, records: Buffer | null, version: number, acks: number) {
  const topic = broker.logs.topic(topicName);
  const log = topic ? broker.logs.partition(topicName, index) : undefined;
  if (!topic || !log) return failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const cluster = broker.cluster;
  const notLeader = cluster?.leaderError(topicName, index) ?? ErrorCode.NONE;
  if (notLeader !== ErrorCode.NONE) return failed(index, notLeader);
  // min.insync.replicas is checked before the append (Kafka's appendRecordsToLeader).
  if (cluster && acks === -1 && cluster.isrSize(topicName, index) < topic.config.minInsyncReplicas) {
    return failed(index, ErrorCode.NOT_ENOUGH_REPLICAS, `the ISR has ${cluster.isrSize(topicName, index)} replica(s), min.insync.replicas is ${topic.config.minInsyncReplicas}`);
  }
  const h = validateBatch(records, topic.config.maxMessageBytes, version);
  if (Array.isArray(h)) return {...failed(index, h[0], h[1]), recordErrors: [{batchIndex: 0, batchIndexErrorMessage: h[1]}]};
  const badTimestamp = timestampError(h, topic.config, Date.now());
  if (badTimestamp) return {...failed(index, ErrorCode.INVALID_TIMESTAMP, badTimestamp), recordErrors: [{batchIndex: 0, batchIndexErrorMessage: badTimestamp}]};
  const logAppendTime = topic.config.messageTimestampType === 'LogAppendTime' ? Date.now() : undefined;
  // Idempotence: a retried batch is answered with its original offsets, never appended twice.
  const producers = h.producerId >= 0 ? broker.producerStates.forLog(log) : undefined;
  const lastSequence = lastSequenceOf(h.baseSequence, h.lastOffsetDelta);
  const check = producers?.check(h.producerId, h.producerEpoch, h.baseSequence, lastSequence);
  if (check?.kind === 'error') return failed(index, check.errorCode);
  if (check?.kind === 'duplicate') {
    return {lastOffset: check.lastOffset, index, errorCode: ErrorCode.NONE, baseOffset: check.baseOffset, logAppendTimeMs: logAppendTime === undefined ? -1 : check.logAppendTime, logStartOffset: log.logStartOffset, recordErrors: [], errorMessage: null};
  }
  const appended = log.append(records!, {leaderEpoch: cluster?.leaderEpoch(topicName, index) ?? 0, logAppendTime});
  producers?.record(h.producerId, h.producerEpoch, h.baseSequence, lastSequence, appended.baseOffset, appended.lastOffset, logAppendTime ?? h.maxTimestamp);
  cluster?.appended(topicName, index);
  broker.waiters.notify(topicName, index);
  return {
    lastOffset: appended.lastOffset,
    index,
    errorCode: ErrorCode.NONE,
    baseOffset: appended.baseOffset,
    logAppendTimeMs: logAppendTime ?? -1,
    logStartOffset: log.logStartOffset,
    recordErrors: [],
    errorMessage: null,
  };
}
