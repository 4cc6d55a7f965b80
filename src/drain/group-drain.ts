/**
 * Drains a topic into a sink as a member of a consumer group. Offsets are committed only after
 * the sink confirmed the write (and refused records reached the dead-letter topic), so a crash
 * or a kill rewrites at most the batch in hand, which the sinks tolerate (same cells, same
 * files). When the sink stops answering, the drain pauses the topic's partitions but stays in
 * its group (kafkajs keeps heartbeating), probes the sink with capped exponential backoff, and
 * once it answers seeks every partition back to its last committed offset and resumes.
 */
import type {EachBatchPayload} from 'kafkajs';
import type {FetchSummary} from '../client/fetcher.js';
import {createKafka, probeBrokers} from '../client/kafka.js';
import {translateKafkaError} from '../client/kafka-errors.js';
import {errorMessage} from '../lib/errors.js';
import {SinkUnavailableError, type Sink} from '../pipeline/sink.js';
import {LatencyGauges} from '../telemetry/latency.js';
import type {Metrics} from '../telemetry/metrics.js';
import {DEFAULT_BACKOFF, backoffDelay, sleep, type BackoffPolicy} from '../lib/backoff.js';
import type {DeadLetterQueue} from '../sinks/dead-letter.js';
import {deliverBatch} from '../pipeline/sink-runner.js';
import {recordToEvent} from './events.js';
import {skipUndecodable, type UndecodableBatch} from './undecodable.js';
import type {DrainState, DrainStatus} from './status.js';

export interface GroupDrainOptions {
  brokers: string[];
  topic: string;
  groupId: string;
  sink: Sink;
  deadLetters: DeadLetterQueue;
  /** Where a group with no committed offset starts. */
  startAtBeginning: boolean;
  /** Events per sink write (and per commit). */
  batchSize?: number;
  maxRecords?: number;
  /** Stop once the committed offsets reach the end of every partition. */
  stopAtEnd: boolean;
  /** Ctrl-C: finish and commit the write in flight, then stop. */
  signal: AbortSignal;
  backoff?: BackoffPolicy;
  /** Called on every state change, and every `statusIntervalMs` while running. */
  onStatus?: (status: DrainStatus) => void;
  statusIntervalMs?: number;
  metrics?: Metrics;
}

export interface DrainSummary extends FetchSummary {
  deadLettered: number;
}

export const DEFAULT_BATCH_SIZE = 500;
const END_CHECK_MS = 300;

export async function drainGroup(options: GroupDrainOptions): Promise<DrainSummary> {
  const {brokers, topic, groupId, sink, deadLetters} = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const metrics = options.metrics?.component('DRAIN', groupId, sink.type);
  await probeBrokers(brokers);
  const kafka = createKafka(brokers, 'kcollect-drain');
  const consumer = kafka.consumer({groupId, maxWaitTimeInMs: 500, sessionTimeout: 30_000, heartbeatInterval: 3000});
  const admin = kafka.admin();

  let state: DrainState = 'ok';
  let attempt = 0;
  let lastError: string | undefined;
  let retryInMs: number | undefined;
  let written = 0;
  /** Records fetched from Kafka (the drain's "in"; written and dead-lettered are its "out"). */
  let received = 0;
  /** Record timestamp (appended to Kafka) -> confirmed by the sink. */
  const latency = new LatencyGauges(metrics);
  let deadLettered = 0;
  const skippedBatches: UndecodableBatch[] = [];
  /** Next offset to write per partition, as this member last committed it (or saw it start). */
  const committed = new Map<number, number>();
  let stoppedBy: FetchSummary['stoppedBy'] | undefined;
  let fatal: unknown;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const stop = (why: FetchSummary['stoppedBy']) => {
    stoppedBy ??= why;
    finish();
  };
  const stopping = new AbortController();
  const onAbort = () => {
    stop('signal');
    stopping.abort();
  };
  options.signal.addEventListener('abort', onAbort, {once: true});
  if (options.signal.aborted) onAbort();

  let statusChain = Promise.resolve();
  const report = () => {
    const snapshot = {state, attempt, error: lastError, retryInMs, written, deadLettered, skippedBatches: skippedBatches.length > 0 ? [...skippedBatches] : undefined};
    if (metrics) {
      metrics.state = state;
      metrics.set('EventReceivedCount', received);
      metrics.set('EventDrainSuccessCount', written);
      metrics.set('DeadLetterCount', deadLettered);
    }
    statusChain = statusChain.then(async () => {
      const backlog = await backlogNow().catch(() => null);
      if (backlog !== null) metrics?.set('Backlog', backlog);
      options.onStatus?.({type: 'status', time: new Date().toISOString(), sink: sink.name, backlog, ...snapshot, error: snapshot.state === 'ok' ? undefined : snapshot.error, retryInMs: snapshot.state === 'parked' ? snapshot.retryInMs : undefined});
    });
  };
  const ticker = options.onStatus ? setInterval(report, options.statusIntervalMs ?? 5000) : undefined;
  ticker?.unref();

  let probing: Promise<void> | undefined;
  const park = (err: unknown) => {
    if (state === 'ok') {
      consumer.pause([{topic}]);
      metrics?.count('SinkFailureCount');
    }
    attempt++;
    lastError = errorMessage(err);
    state = 'parked';
    probing ??= probeUntilAnswered().finally(() => (probing = undefined));
  };

  /** Waits, probes, waits longer...; on an answer, rewinds to the committed offsets and resumes. */
  async function probeUntilAnswered(): Promise<void> {
    while (!stopping.signal.aborted) {
      retryInMs = backoffDelay(attempt - 1, backoff);
      report();
      await sleep(retryInMs, stopping.signal);
      if (stopping.signal.aborted) return;
      state = 'retrying';
      report();
      try {
        await sink.probe?.();
        break;
      } catch (err) {
        if (!(err instanceof SinkUnavailableError)) return fail(err);
        attempt++;
        lastError = errorMessage(err);
        state = 'parked';
      }
    }
    if (stopping.signal.aborted) return;
    state = 'ok';
    for (const [partition, offset] of committed) consumer.seek({topic, partition, offset: String(offset)});
    consumer.resume([{topic}]);
    report();
  }

  function fail(err: unknown): void {
    fatal ??= err;
    stop('signal');
    stopping.abort();
  }

  const eachBatch = async ({batch, resolveOffset, heartbeat, isRunning, isStale}: EachBatchPayload) => {
    const partition = batch.partition;
    if (state !== 'ok') {
      // Fetched before the pause, or a partition the group gave us while parked.
      consumer.pause([{topic, partitions: [partition]}]);
      return;
    }
    const expected = committed.get(partition) ?? -1;
    let messages = batch.messages.filter((m) => Number(m.offset) >= expected);
    received += messages.length;
    if (messages.length > 0 && expected < 0) committed.set(partition, Number(messages[0].offset));
    for (let i = 0; i < messages.length; i += batchSize) {
      if (stopping.signal.aborted || !isRunning() || isStale() || state !== 'ok') return;
      let chunk = messages.slice(i, i + batchSize);
      if (options.maxRecords !== undefined) chunk = chunk.slice(0, options.maxRecords - written - deadLettered);
      if (chunk.length === 0) return stop('count');
      const events = chunk.map((m) =>
        recordToEvent({
          topic,
          partition,
          offset: Number(m.offset),
          timestamp: Number(m.timestamp),
          key: m.key,
          value: m.value,
          headers: Object.entries(m.headers ?? {}).flatMap(([key, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({key, value: value === undefined ? null : Buffer.from(value)}))),
        }),
      );
      let done;
      try {
        done = await deliverBatch(sink, events, deadLetters);
      } catch (err) {
        if (err instanceof SinkUnavailableError) return park(err);
        return fail(err);
      }
      const last = Number(chunk[chunk.length - 1].offset);
      if (sink.commitTransaction) {
        // Exactly once: the sink's writes and this offset commit in one transaction, or neither does.
        try {
          await sink.commitTransaction({groupId, partitions: [{topic, partition, offset: last + 1}]});
        } catch (err) {
          if (err instanceof SinkUnavailableError) return park(err);
          return fail(err);
        }
      } else await consumer.commitOffsets([{topic, partition, offset: String(last + 1)}]);
      latency.record(events.map((e) => e.kafka?.timestamp));
      written += done.written;
      deadLettered += done.deadLettered;
      resolveOffset(String(last));
      committed.set(partition, last + 1);
      if (attempt > 0) {
        attempt = 0;
        report();
      }
      await heartbeat();
      if (options.maxRecords !== undefined && written + deadLettered >= options.maxRecords) return stop('count');
    }
  };

  try {
    await sink.start?.();
    await Promise.all([consumer.connect(), admin.connect()]);
    // A rebalance may hand partitions to others: forget what this member knew of them.
    consumer.on(consumer.events.GROUP_JOIN, () => committed.clear());
    consumer.on(consumer.events.CRASH, ({payload}) => {
      if (!payload.restart) void recoverFromCrash(payload.error);
    });
    await consumer.subscribe({topic, fromBeginning: options.startAtBeginning});
    await runConsumer();
    report();
    if (options.stopAtEnd) void watchForEnd();
    await finished;
    // Disconnecting waits for the batch in flight: its write finishes and is committed.
    await consumer.disconnect();
    if (fatal !== undefined) throw fatal;
    const partitions = await positions();
    report();
    await statusChain;
    return {records: written, deadLettered, stoppedBy: stoppedBy ?? 'signal', partitions};
  } catch (err) {
    throw translateKafkaError(err, `drain ${topic} as group ${groupId}`, brokers);
  } finally {
    if (ticker) clearInterval(ticker);
    options.signal.removeEventListener('abort', onAbort);
    stopping.abort();
    await probing;
    await consumer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }

  function runConsumer(): Promise<void> {
    return consumer.run({autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch});
  }

  /**
   * kafkajs stopped for good: it could not decode a fetch (a damaged batch), or met another
   * error it does not retry. An undecodable batch is dead-lettered, reported and committed past,
   * and the consumer runs again; anything else ends the drain with the error instead of a stall.
   */
  async function recoverFromCrash(err: unknown): Promise<void> {
    if (stoppedBy !== undefined) return;
    try {
      const found = await skipUndecodable({brokers, topic, groupId, admin, sink, deadLetters, startAtBeginning: options.startAtBeginning});
      if (found.skipped.length === 0) return fail(err);
      written += found.written;
      deadLettered += found.deadLettered;
      for (const batch of found.skipped) committed.set(batch.partition, batch.lastOffset + 1);
      metrics?.count('UndecodableBatchCount', found.skipped.length);
      skippedBatches.push(...found.skipped);
      report();
      if (stoppedBy !== undefined) return;
      await consumer.connect();
      await runConsumer();
    } catch (e) {
      fail(e);
    }
  }

  async function positions(): Promise<FetchSummary['partitions']> {
    const [ends, [offsets]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({groupId, topics: [topic]})]);
    return ends.map((e) => {
      const c = Number(offsets.partitions.find((p) => p.partition === e.partition)?.offset ?? -1);
      return {partition: e.partition, nextOffset: c >= 0 ? c : Number(e.low), highWatermark: Number(e.high)};
    });
  }

  async function backlogNow(): Promise<number> {
    return (await positions()).reduce((n, p) => n + Math.max(0, p.highWatermark - p.nextOffset), 0);
  }

  async function watchForEnd(): Promise<void> {
    while (stoppedBy === undefined) {
      const ps = state === 'ok' ? await positions().catch(() => []) : [];
      if (ps.length > 0 && ps.every((p) => p.nextOffset >= p.highWatermark)) return stop('end');
      await sleep(END_CHECK_MS, stopping.signal);
    }
  }
}
