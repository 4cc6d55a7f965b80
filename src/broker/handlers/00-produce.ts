// Produce 3-11 (RecordBatch v2 only). throttle_time_ms is the last field of the response.
// acks=0 gets no response at all. v0-2 (message format v0/v1) are advertised but answered
// UNSUPPORTED_VERSION, as Kafka 4 does (KAFKA-18659): librdkafka before 2.10 compresses with gzip,
// snappy or lz4 only when a broker's Produce range includes v0, and silently sends uncompressed
// batches otherwise.
import {ErrorCode} from '../../protocol/errors.js';
import {Produce} from '../../protocol/messages/00-produce.js';
import {lastSequenceOf} from '../../coordinator/producer-state.js';
import {Attr, BATCH_HEADER_SIZE, Compression, type BatchHeader, batchCrcValid, compressionOf, readBatchHeader, withPayload} from '../../protocol/records/batch.js';
import {errorMessage} from '../../lib/errors.js';
import {compress, DecompressedTooLargeError, DEFAULT_MAX_DECOMPRESSED_BYTES, decompress} from '../../protocol/records/compression.js';
import {checkRecords, type RecordsProblem} from '../../protocol/records/validate.js';
import {StorageError} from '../../storage/errors.js';
import {INTERNAL_TOPICS, type TopicInfo} from '../../storage/log-manager.js';
import type {PartitionLog} from '../../storage/partition-log.js';
import {compacts, type CompressionType, timestampBounds, type TopicConfig} from '../../storage/topic-config.js';
import type {Broker} from '../broker.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {errorCodeOf} from './topics.js';

export const produceHandler: Handler = {
  api: Produce,
  minVersion: 0,
  maxVersion: 11,
  async handle(request, {broker, header, signal, session}) {
    const acks: number = request.acks;
    if (header.apiVersion < 3) return acks === 0 ? undefined : {responses: request.topicData.map((t: any) => ({name: t.name, partitionResponses: t.partitionData.map((p: any) => failed(p.index, ErrorCode.UNSUPPORTED_VERSION))})), throttleTimeMs: 0};
    const validAcks = acks === 0 || acks === 1 || acks === -1;
    const responses = await everyOne(
      request.topicData.map(async (t: any) => ({
        name: t.name,
        partitionResponses: await everyOne(
          t.partitionData.map(async (p: any) => {
            if (!validAcks) return failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS);
            if (!broker.authorize(session, Operation.WRITE, ResourceType.TOPIC, t.name)) return failed(p.index, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            // appendPartition appends synchronously (in arrival order) unless it must wait in line.
            const appended = await appendPartition(broker, t.name, p.index, p.records, header.apiVersion, acks);
            return acks === -1 && appended.errorCode === ErrorCode.NONE ? awaitIsr(broker, t.name, appended, request.timeoutMs, signal) : appended;
          }),
        ),
      })),
    );
    if (acks === 0) return undefined;
    return {responses, throttleTimeMs: 0};
  },
};

/**
 * Promise.all that fails only once every task has settled: a request's batches may lie in a reused
 * frame buffer (broker/frame-pool.ts), given back as soon as the handler ends, so no partition may
 * still be reading it (a compressed batch's check, an append waiting in line) when one fails.
 */
async function everyOne<T>(tasks: Promise<T>[]): Promise<T[]> {
  const outcomes = await Promise.allSettled(tasks);
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  return outcomes.map((o) => (o as PromiseFulfilledResult<T>).value);
}

/** acks=all: the answer waits until every ISR member has the batch (the high watermark passed it). */
async function awaitIsr(broker: Broker, topic: string, appended: PartitionResponse, timeoutMs: number, signal: AbortSignal) {
  if (!broker.cluster || appended.lastOffset === undefined) return appended;
  const minIsr = broker.logs.topic(topic)?.config.minInsyncReplicas ?? 1;
  const errorCode = await broker.cluster.awaitReplication(topic, appended.index, appended.lastOffset, minIsr, timeoutMs, signal);
  return errorCode === ErrorCode.NONE ? appended : failed(appended.index, errorCode);
}

interface PartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  /** Kept for acks=all, which waits for the ISR to pass it. */
  lastOffset?: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  recordErrors: Array<{batchIndex: number; batchIndexErrorMessage: string}>;
  errorMessage: string | null;
}

function failed(index: number, errorCode: number, errorMessage: string | null = null): PartitionResponse {
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

function appendPartition(broker: Broker, topicName: string, index: number, records: Buffer | null, version: number, acks: number): PartitionResponse | Promise<PartitionResponse> {
  if (INTERNAL_TOPICS.has(topicName)) return failed(index, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topicName}`);
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
  if (Array.isArray(h)) return refused(index, h[0], h[1]);
  const badTimestamp = timestampError(h, topic.config, Date.now());
  if (badTimestamp) return refused(index, ErrorCode.INVALID_TIMESTAMP, badTimestamp);
  // Every record is checked before anything is stored; a compressed batch is decompressed for
  // that (see checkCompressedRecords), and its append waits in line behind earlier ones. A topic
  // whose compression.type names a codec gets the batch in that codec (see recompressed).
  const rules = {keyRequired: compacts(topic.config)};
  const codec = storedCodec(topic.config.compressionType, compressionOf(h.attributes));
  const checked: Checked | Promise<Checked> =
    codec !== undefined
      ? recompressed(records!, h, codec, topic.config, rules)
      : compressionOf(h.attributes) === Compression.none
        ? checkRecords(records!, BATCH_HEADER_SIZE, records!.length, h.recordsCount, rules)
        : checkCompressedRecords(records!, h, topic.config.maxMessageBytes, rules);
  return broker.appendOrder.enqueue(`${topicName}\0${index}`, checked, (found) => {
    if (found && 'tooLarge' in found) return refused(index, ErrorCode.MESSAGE_TOO_LARGE, found.tooLarge);
    if (found && 'error' in found) return refused(index, ErrorCode[found.error], `invalid record batch: ${found.message}`);
    // Things may have moved while this batch waited in line.
    if (log.isClosed) return failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const moved = cluster?.leaderError(topicName, index) ?? ErrorCode.NONE;
    if (moved !== ErrorCode.NONE) return failed(index, moved);
    return appendChecked(broker, topic, log, index, found?.batch ?? records!, h);
  });
}

/** What the check of a batch found: a problem, the batch in the topic's codec (or too large in it), or nothing to say. */
type Checked = RecordsProblem | {batch: Buffer} | {tooLarge: string} | undefined;

const CODECS: Record<Exclude<CompressionType, 'producer'>, Compression> = {
  uncompressed: Compression.none,
  gzip: Compression.gzip,
  snappy: Compression.snappy,
  lz4: Compression.lz4,
  zstd: Compression.zstd,
};

/** The codec a batch is stored in when it is not the producer's (compression.type), else undefined. */
function storedCodec(type: CompressionType, producers: Compression): Compression | undefined {
  if (type === 'producer') return undefined;
  const codec = CODECS[type];
  return codec === producers ? undefined : codec;
}

/**
 * Kafka's LogValidator for a topic whose compression.type differs from the batch's codec: the
 * records are checked, then stored in the topic's codec (at its compression.gzip/zstd.level). The
 * records themselves are unchanged (their offset deltas are already 0..n-1), and so is every
 * header field (producer id, epoch and sequence, transactional bit, timestamps) but the codec,
 * length and CRC. The batch as stored must still fit max.message.bytes: MESSAGE_TOO_LARGE.
 */
async function recompressed(records: Buffer, h: BatchHeader, codec: Compression, config: TopicConfig, rules: {keyRequired: boolean}): Promise<Checked> {
  const source = compressionOf(h.attributes);
  let payload: Buffer;
  if (source === Compression.none) {
    const problem = checkRecords(records, BATCH_HEADER_SIZE, records.length, h.recordsCount, rules);
    if (problem) return problem;
    payload = records.subarray(BATCH_HEADER_SIZE);
  } else {
    const inflated = await inflate(records, h, config.maxMessageBytes);
    if ('error' in inflated) return inflated;
    payload = inflated.payload;
    const problem = checkRecords(payload, 0, payload.length, h.recordsCount, rules);
    if (problem) return problem;
  }
  const level = codec === Compression.gzip ? config.compressionGzipLevel : codec === Compression.zstd ? config.compressionZstdLevel : undefined;
  const batch = withPayload(records, codec, await compress(codec, payload, level));
  if (batch.length > config.maxMessageBytes) {
    return {tooLarge: `batch of ${batch.length} bytes once stored as compression.type=${config.compressionType} exceeds max.message.bytes=${config.maxMessageBytes}`};
  }
  return {batch};
}

/**
 * Decompresses and walks the records; an undecodable payload is CORRUPT_MESSAGE. max.message.bytes
 * bounds the batch as sent, compressed (as in Kafka: a few KB of gzip may hold megabytes of log
 * lines). Only a payload inflating past the larger of it and 64 MiB (consumers' limit too) is
 * refused, before it is inflated where its framing tells its size: MESSAGE_TOO_LARGE, not retried.
 */
async function checkCompressedRecords(records: Buffer, h: BatchHeader, maxMessageBytes: number, rules: {keyRequired: boolean}): Promise<RecordsProblem | undefined> {
  const inflated = await inflate(records, h, maxMessageBytes);
  if ('error' in inflated) return inflated;
  return checkRecords(inflated.payload, 0, inflated.payload.length, h.recordsCount, rules);
}

/** A compressed batch's records, or why they cannot be had. */
async function inflate(records: Buffer, h: BatchHeader, maxMessageBytes: number): Promise<RecordsProblem | {payload: Buffer}> {
  try {
    return {payload: await decompress(compressionOf(h.attributes), records.subarray(BATCH_HEADER_SIZE), Math.max(maxMessageBytes, DEFAULT_MAX_DECOMPRESSED_BYTES))};
  } catch (err) {
    return {error: err instanceof DecompressedTooLargeError ? 'MESSAGE_TOO_LARGE' : 'CORRUPT_MESSAGE', message: errorMessage(err)};
  }
}

function refused(index: number, errorCode: number, message: string): PartitionResponse {
  return {...failed(index, errorCode, message), recordErrors: [{batchIndex: 0, batchIndexErrorMessage: message}]};
}

/** A valid batch's turn: idempotence check, append, producer state, waiters. */
function appendChecked(broker: Broker, topic: TopicInfo, log: PartitionLog, index: number, records: Buffer, h: BatchHeader): PartitionResponse {
  const topicName = topic.name;
  const cluster = broker.cluster;
  const logAppendTime = topic.config.messageTimestampType === 'LogAppendTime' ? Date.now() : undefined;
  // Opened on the first append even for batches without a producer id: opened later, by the
  // first ListOffsets or Fetch, it would have to read back every batch header written until then.
  const producers = broker.producerStates.forLog(log);
  // Idempotence: a retried batch is answered with its original offsets, never appended twice.
  const lastSequence = lastSequenceOf(h.baseSequence, h.lastOffsetDelta);
  const check = h.producerId >= 0 ? producers.check(h.producerId, h.producerEpoch, h.baseSequence, lastSequence) : undefined;
  if (check?.kind === 'error') return failed(index, check.errorCode);
  if (check?.kind === 'duplicate') {
    return {lastOffset: check.lastOffset, index, errorCode: ErrorCode.NONE, baseOffset: check.baseOffset, logAppendTimeMs: logAppendTime === undefined ? -1 : check.logAppendTime, logStartOffset: log.logStartOffset, recordErrors: [], errorMessage: null};
  }
  let appended;
  const partition = `${topicName}-${index}`;
  try {
    appended = log.append(records, {leaderEpoch: cluster?.leaderEpoch(topicName, index) ?? 0, logAppendTime});
  } catch (err) {
    // A full disk fails this partition only, and nothing of the batch was kept: the client retries.
    if (!(err instanceof StorageError)) throw err;
    if (!broker.refusingWrites.has(partition)) broker.log(`produce to ${partition} refused (KAFKA_STORAGE_ERROR) until its disk takes writes again: ${err.message}`);
    broker.refusingWrites.add(partition);
    return failed(index, errorCodeOf(err), err.message);
  }
  if (broker.refusingWrites.delete(partition)) broker.log(`${partition} takes writes again`);
  producers.record(h.producerId, h.producerEpoch, h.baseSequence, lastSequence, appended.baseOffset, appended.lastOffset, logAppendTime ?? h.maxTimestamp, (h.attributes & Attr.transactional) !== 0);
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
