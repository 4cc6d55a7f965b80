/**
 * Drains a topic into a sink as a member of a consumer group, on kcollect's own wire client
 * (src/client/wire-group.ts for the group, the wire fetcher for the records). Offsets are
 * committed in order, each only after the sink confirmed its write and every earlier one (and
 * refused records reached the dead-letter topic), so a crash or a kill rewrites at most the batches
 * in hand (a sink may take a few writes at once: Sink.maxWritesInFlight), which the sinks tolerate
 * (same cells, same files). A sink may hold a commit back to its own boundaries (Sink.committable:
 * a file sink commits up to its in-use file's start; the drain asks again every half second, as
 * files close without a write, and has a partition's files closed when it stops writing it). When
 * the sink stops answering, the drain holds the batches and stops fetching but stays in its group
 * (the heartbeat runs on), probes the sink with capped exponential backoff, and writes the failed
 * batches again, in order, once it answers. A rebalance ends the generation: the writes in hand
 * finish and are committed, then the member joins again and reads from the committed offsets.
 * That is under the range assignor (eager); under cooperative-sticky, which kcollect members prefer,
 * the drain goes on writing the partitions it keeps while the group rebalances, and finishes and
 * commits (and closes the files of) only the partitions taken from it (src/client/group-reading.ts).
 */
import type {FetchedRecord, FetchSummary} from '../client/fetcher.js';
import {byPartition} from '../client/fetcher.js';
import {readOwnedPartitions, type RebalanceChange} from '../client/group-reading.js';
import {ClusterConnections} from '../client/cluster-connections.js';
import {createKafka, probeBrokers, renewingAdmin} from '../client/kafka.js';
import {KAFKA_RETRY_BACKOFF, kafkaOutOfReach, translateKafkaError} from '../client/kafka-errors.js';
import type {GroupMemberSettings} from '../client/client-settings.js';
import {GroupMember, memberSettings} from '../client/wire-group.js';
import {errorMessage} from '../lib/errors.js';
import {SinkUnavailableError, type Sink} from '../pipeline/sink.js';
import {LatencyGauges} from '../telemetry/latency.js';
import type {Metrics} from '../telemetry/metrics.js';
import {DEFAULT_BACKOFF, backoffDelay, sleep, type BackoffPolicy} from '../lib/backoff.js';
import type {DeadLetterQueue} from '../sinks/dead-letter.js';
import {deliverBatch, type Delivered} from '../pipeline/sink-runner.js';
import type {Event} from '../pipeline/event.js';
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
  /** The client properties' session.timeout.ms, heartbeat.interval.ms, max.poll.interval.ms, partition.assignment.strategy. */
  member?: GroupMemberSettings;
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
  /** Each generation the member joined: its partitions, and those it revoked (finished and committed) or was given. */
  onRebalance?: (change: RebalanceChange) => void;
}

export interface DrainSummary extends FetchSummary {
  deadLettered: number;
}

export const DEFAULT_BATCH_SIZE = 500;
const END_CHECK_MS = 300;
/** How often a sink that commits at its own boundaries (Sink.committable) is asked again: files close without a write too. */
const COMMITTABLE_CHECK_MS = 500;

export async function drainGroup(options: GroupDrainOptions): Promise<DrainSummary> {
  const {brokers, topic, groupId, sink, deadLetters} = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const metrics = options.metrics?.component('DRAIN', groupId, sink.type);
  await probeBrokers(brokers);
  const cluster = new ClusterConnections(brokers, 'kcollect-drain');
  const member = new GroupMember(cluster, {
    groupId,
    topic,
    ...memberSettings({sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, heartbeatIntervalMs: 3000}, options.member),
    // Kafka out of reach while joining: said in the status, not only waited out. A cooperative
    // member joins while it writes: a parked sink's state is left as it is (it says more).
    onJoinTrouble: (reason) => {
      if (reason !== undefined && state === 'ok') {
        state = 'waiting';
        lastError = `cannot join group ${groupId} yet: ${reason}`;
      } else if (reason === undefined && state === 'waiting') {
        state = 'ok';
        lastError = undefined;
      } else return;
      report();
    },
  });
  const admin = createKafka(brokers, 'kcollect-drain').admin();
  const adminCall = renewingAdmin(admin);

  let state: DrainState = 'ok';
  let attempt = 0;
  let lastError: string | undefined;
  /** The wait the sink's last failure asked for (HTTP Retry-After): the next one, capped, instead of the doubling. */
  let retryAfterMs: number | undefined;
  let retryInMs: number | undefined;
  let written = 0;
  /**
   * Per partition, the offset after the last record a confirmed write held: records read and
   * written again after a rejoin (from an older commit) count once in `written`.
   */
  const writtenThrough = new Map<number, number>();
  /** Records fetched from Kafka (the drain's "in"; written and dead-lettered are its "out"). */
  let received = 0;
  /** Record timestamp (appended to Kafka) -> confirmed by the sink. */
  const latency = new LatencyGauges(metrics);
  let deadLettered = 0;
  const skippedBatches: UndecodableBatch[] = [];
  let stoppedBy: FetchSummary['stoppedBy'] | undefined;
  let fatal: unknown;
  /** Readings in a row that ended because Kafka did not answer. */
  let kafkaRetries = 0;
  /** Ends the reading of the current generation (a rebalance, or the drain stopping). */
  let generation = new AbortController();
  const stopping = new AbortController();
  const stop = (why: FetchSummary['stoppedBy']) => {
    stoppedBy ??= why;
    stopping.abort();
    generation.abort();
  };
  const onAbort = () => stop('signal');
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

  function fail(err: unknown): void {
    fatal ??= err;
    stop('signal');
  }

  /** A chunk handed to the sink and not confirmed yet; `outcome` settles when its write does. */
  interface Unconfirmed {
    events: Event[];
    partition: number;
    /** What is committed once this chunk and every one before it are confirmed. */
    next: number;
    outcome: Promise<{done: Delivered} | {err: unknown}>;
    /** Settles once this write was confirmed and committed (true) or given up (false). */
    confirmed: Promise<boolean>;
  }
  // A transaction spans one write and its commit, so a transactional sink takes one at a time.
  const writesInFlight = sink.commitTransaction ? 1 : Math.max(1, sink.maxWritesInFlight ?? 1);
  /** The writes of the current generation not confirmed yet, oldest first. */
  const unconfirmed: Unconfirmed[] = [];
  let unconfirmedRecords = 0;
  /** Confirms the writes one after the other, as they were started, whether or not more follow. */
  let confirming = Promise.resolve(true);

  function startWrite(chunk: Pick<Unconfirmed, 'events' | 'partition' | 'next'>): Unconfirmed['outcome'] {
    const {events, partition, next} = chunk;
    return deliverBatch(sink, events, deadLetters)
      .then(async (done) => {
        // Exactly once: the sink's writes and this offset commit in one transaction, or neither
        // does; a transaction the sink aborts is written again whole, like a refused write.
        await sink.commitTransaction?.({groupId, partitions: [{topic, partition, offset: next}]});
        return {done};
      })
      .catch((err: unknown) => ({err}));
  }

  /** How many of a confirmed chunk's records an earlier confirmed write held already. */
  function writtenBefore({events, partition, next}: Unconfirmed): number {
    const through = writtenThrough.get(partition) ?? 0;
    writtenThrough.set(partition, Math.max(through, next));
    let again = 0;
    for (const e of events) if (e.kafka!.offset < through) again++;
    return again;
  }

  /**
   * Waits for the oldest write and commits its offset (after every earlier one, in order). A sink
   * that does not answer parks the drain: once no write is in flight any more, it waits, probes,
   * waits longer..., then writes every chunk whose write failed again, in order. False when the
   * generation ended or the drain failed first (the records stay uncommitted: whoever owns the
   * partition next reads them again).
   */
  async function confirmOldest(ended: AbortSignal): Promise<boolean> {
    const oldest = unconfirmed[0];
    for (;;) {
      const outcome = await oldest.outcome;
      if ('done' in outcome) {
        unconfirmed.shift();
        unconfirmedRecords -= oldest.events.length;
        latency.record(oldest.events, (e) => e.kafka?.timestamp);
        written += Math.max(0, outcome.done.written - writtenBefore(oldest));
        deadLettered += outcome.done.deadLettered;
        if (attempt > 0) {
          attempt = 0;
          state = 'ok';
          report();
        }
        // If the group moved on, the next owner reads from the last commit that went through.
        if (reading) {
          reading.confirmed.set(oldest.partition, oldest.next);
          if (!sink.commitTransaction) commitConfirmed(reading, oldest.partition);
        }
        return true;
      }
      if (!(outcome.err instanceof SinkUnavailableError)) {
        fail(outcome.err);
        return false;
      }
      if (state === 'ok') metrics?.count('SinkFailureCount');
      attempt++;
      lastError = errorMessage(outcome.err);
      retryAfterMs = outcome.err.retryAfterMs;
      state = 'parked';
      await Promise.all(unconfirmed.map((c) => c.outcome));
      if (!(await probeUntilAnswered(ended))) return false;
      // A later write the sink confirmed meanwhile stays confirmed (its dead letters were sent).
      for (const chunk of unconfirmed) if ('err' in (await chunk.outcome)) chunk.outcome = startWrite(chunk);
    }
  }

  function startConfirmed(chunk: Pick<Unconfirmed, 'events' | 'partition' | 'next'>, ended: AbortSignal): void {
    confirming = confirming.then((ok) => ok && confirmOldest(ended));
    unconfirmed.push({...chunk, outcome: startWrite(chunk), confirmed: confirming});
    unconfirmedRecords += chunk.events.length;
  }

  /** Waits for every write in hand; what is left unconfirmed is dropped once no write of it is in flight. */
  async function confirmAll(): Promise<void> {
    await confirming;
    await Promise.all(unconfirmed.map((c) => c.outcome));
    unconfirmed.length = 0;
    unconfirmedRecords = 0;
    confirming = Promise.resolve(true);
  }

  async function probeUntilAnswered(ended: AbortSignal): Promise<boolean> {
    while (!ended.aborted) {
      retryInMs = backoffDelay(attempt - 1, backoff, retryAfterMs);
      report();
      await sleep(retryInMs, ended);
      if (ended.aborted) return false;
      state = 'retrying';
      report();
      try {
        await sink.probe?.();
        return true;
      } catch (err) {
        if (!(err instanceof SinkUnavailableError)) {
          fail(err);
          return false;
        }
        attempt++;
        lastError = errorMessage(err);
        retryAfterMs = err.retryAfterMs;
        state = 'parked';
      }
    }
    return false;
  }

  /**
   * One fetched response: per partition, chunks of `batchSize` written, up to `writesInFlight` at
   * once (the next chunk is prepared and written while the previous ones are being confirmed);
   * each chunk's offset is committed once it and every chunk before it were confirmed.
   */
  async function deliver(records: FetchedRecord[], ended: AbortSignal): Promise<void> {
    received += records.length;
    for (const [partition, list] of byPartition(records)) {
      for (let i = 0; i < list.length; i += batchSize) {
        if (ended.aborted) return;
        // Revoked (cooperative rebalancing): the partition's next owner reads the rest from the last commit.
        if (!reading?.partitions.has(partition)) break;
        let chunk = list.slice(i, i + batchSize);
        if (options.maxRecords !== undefined) chunk = chunk.slice(0, options.maxRecords - written - deadLettered - unconfirmedRecords);
        if (chunk.length === 0) return stop('count');
        const pending = {events: chunk.map(recordToEvent), partition, next: chunk[chunk.length - 1].offset + 1};
        while (unconfirmed.length >= writesInFlight) if (!(await unconfirmed[0].confirmed)) return;
        if (!reading?.partitions.has(partition)) break;
        startConfirmed(pending, ended);
        if (options.maxRecords !== undefined && written + deadLettered + unconfirmedRecords >= options.maxRecords) {
          await confirming;
          return stop('count');
        }
      }
    }
  }

  /** The partitions being read (one generation, or several under cooperative rebalancing): what each confirmed and committed. */
  interface Reading {
    partitions: Set<number>;
    /** The offset after the newest confirmed write. */
    confirmed: Map<number, number>;
    /** The offset last handed to commitLater, or where the generation started. */
    committed: Map<number, number>;
  }
  /** Set while the member reads and commits; cleared before it may join anew. */
  let reading: Reading | undefined;

  /**
   * Commits what the sink says is safe of the partition's confirmed records (Sink.committable: a
   * file sink commits at its files' boundaries), when that moved on since the last commit.
   */
  function commitConfirmed(gen: Reading, partition: number): void {
    const confirmed = gen.confirmed.get(partition);
    if (confirmed === undefined || gen !== reading) return;
    const offset = Math.min(confirmed, sink.committable?.(topic, partition, confirmed) ?? confirmed);
    if (offset <= (gen.committed.get(partition) ?? -1)) return;
    gen.committed.set(partition, offset);
    commitLater(partition, offset);
  }

  /** Offsets confirmed and not yet sent, per partition: only the newest of each is committed. */
  const toCommit = new Map<number, number>();
  /** The commits under way; settles once toCommit is empty. */
  let committing: Promise<void> | undefined;

  /**
   * One OffsetCommit in flight at a time, carrying the newest confirmed offset of each partition:
   * a commit per write, queued behind the one before, fell further behind whenever commits took
   * longer than writes (and a drain killed then wrote all of that again).
   */
  function commitLater(partition: number, next: number): void {
    toCommit.set(partition, next);
    committing ??= sendCommits();
  }

  async function sendCommits(): Promise<void> {
    try {
      while (toCommit.size > 0) {
        const offsets = new Map(toCommit);
        toCommit.clear();
        await member.commit(offsets);
      }
    } catch {
      // The group moved on: the next owner of the partition reads from the last commit.
      toCommit.clear();
      generation.abort();
    } finally {
      // In the same step as the last look at toCommit: an offset set after it starts a new round.
      committing = undefined;
    }
  }

  /**
   * Reads the partitions the member owns until the reading ends (eager: one generation; see
   * readOwnedPartitions); the writes in hand and their commits finish first.
   */
  async function readGeneration(): Promise<void> {
    const ended = (generation = new AbortController()).signal;
    if (stopping.signal.aborted) return;
    const gen: Reading = (reading = {partitions: new Set(), confirmed: new Map(), committed: new Map()});
    // A sink committing at its own boundaries has some to commit when a file closes without a write.
    const check = sink.committable && !sink.commitTransaction ? setInterval(() => gen.partitions.forEach((p) => commitConfirmed(gen, p)), COMMITTABLE_CHECK_MS) : undefined;
    let inHand = Promise.resolve();
    // The fetcher fetches again once the returned promise settles: handing it the previous
    // response's write lets the next fetch overlap this one's write (one response waits, no more).
    const handOver = (records: FetchedRecord[]) => {
      const previous = inHand;
      inHand = previous.then(() => deliver(records, ended));
      return previous;
    };
    /**
     * Partitions this drain stops writing: the writes in hand are confirmed, their in-use files
     * finished, so that the last commit reaches all that was written: the next owner (this drain
     * again, or another member) starts there.
     */
    const finish = async (partitions: number[]) => {
      await sink.closePartitions?.(topic, partitions).catch(() => undefined);
      if (!sink.commitTransaction) for (const p of partitions) commitConfirmed(gen, p);
      for (const p of partitions) gen.partitions.delete(p);
    };
    try {
      await readOwnedPartitions({
        member,
        brokers,
        clientId: 'kcollect-drain',
        topic,
        otherwise: options.startAtBeginning ? 'beginning' : 'end',
        ended: generation,
        resumeFrom: sink.resumeFrom ? (partition, committed) => sink.resumeFrom!(topic, partition, committed) : undefined,
        onAssigned: (offsets) => {
          for (const [p, offset] of offsets) {
            gen.partitions.add(p);
            if (offset >= 0) gen.committed.set(p, offset);
          }
        },
        // Cooperative: the partitions kept go on being written meanwhile. No write of these starts
        // any more (deliver looks before each); those started are confirmed and committed.
        onRevoked: async (partitions) => {
          for (const p of partitions) gen.partitions.delete(p);
          await Promise.all(unconfirmed.filter((c) => partitions.includes(c.partition)).map((c) => c.confirmed));
          await finish(partitions);
          await committing;
        },
        onRebalance: (change) => {
          kafkaAnswers();
          options.onRebalance?.(change);
        },
        deliver: handOver,
      });
    } finally {
      clearInterval(check);
      try {
        await inHand.finally(confirmAll);
      } finally {
        await finish([...gen.partitions]);
        reading = undefined;
        await committing;
      }
    }
  }

  try {
    await sink.start?.();
    await admin.connect();
    report();
    if (options.stopAtEnd) void watchForEnd();
    while (stoppedBy === undefined) {
      try {
        await readGeneration();
      } catch (err) {
        if (stoppedBy !== undefined) break;
        if (kafkaOutOfReach(err)) await waitForKafka(err);
        else await recoverFromFetchError(err);
      }
    }
    await member.leave();
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
    await member.leave().catch(() => undefined);
    cluster.close();
    await admin.disconnect().catch(() => undefined);
  }

  /**
   * Kafka went out of reach under the reading (a broker restarting: a commit refused, so the
   * generation ended and the next one's Metadata found no broker; a fetch that kept failing):
   * the drain says so and reads again, as its member joins again, for as long as it runs. What
   * was not committed is read again from the last commit (the sinks take a write again).
   */
  async function waitForKafka(err: unknown): Promise<void> {
    // A parked sink's state is left as it is; a join's trouble gives way to this (it says more).
    if (state === 'ok' || state === 'waiting') {
      state = 'waiting';
      lastError = errorMessage(err);
      report();
    }
    await sleep(backoffDelay(kafkaRetries++, KAFKA_RETRY_BACKOFF), stopping.signal);
  }

  /** Joined again: a wait for Kafka is over. */
  function kafkaAnswers(): void {
    kafkaRetries = 0;
    if (state !== 'waiting') return;
    state = 'ok';
    lastError = undefined;
    report();
  }

  /**
   * The fetch failed: a batch that cannot be decoded (a damaged log) is dead-lettered, reported
   * and committed past, and the member joins again; anything else ends the drain with the error.
   */
  async function recoverFromFetchError(err: unknown): Promise<void> {
    try {
      // Committing past the batch needs the group to itself.
      await member.leave();
      const found = await skipUndecodable({brokers, topic, groupId, admin, sink, deadLetters, startAtBeginning: options.startAtBeginning});
      if (found.skipped.length === 0) return fail(err);
      written += found.written;
      deadLettered += found.deadLettered;
      metrics?.count('UndecodableBatchCount', found.skipped.length);
      skippedBatches.push(...found.skipped);
      report();
    } catch {
      fail(err);
    }
  }

  async function positions(): Promise<FetchSummary['partitions']> {
    const [ends, [offsets]] = await adminCall((a) => Promise.all([a.fetchTopicOffsets(topic), a.fetchOffsets({groupId, topics: [topic]})]));
    return ends.map((e) => {
      const c = Number(offsets.partitions.find((p) => p.partition === e.partition)?.offset ?? -1);
      return {partition: e.partition, nextOffset: c >= 0 ? c : Number(e.low), highWatermark: Number(e.high)};
    });
  }

  /** Records not written yet: past what this drain confirmed (a file sink commits less: see Sink.committable), or past the commit. */
  async function backlogNow(): Promise<number> {
    const written = reading?.confirmed;
    return (await positions()).reduce((n, p) => n + Math.max(0, p.highWatermark - Math.max(p.nextOffset, written?.get(p.partition) ?? -1)), 0);
  }

  async function watchForEnd(): Promise<void> {
    while (stoppedBy === undefined) {
      const ps = state === 'ok' ? await positions().catch(() => []) : [];
      if (ps.length > 0 && ps.every((p) => p.nextOffset >= p.highWatermark)) return stop('end');
      await finishWritten(ps);
      await sleep(END_CHECK_MS, stopping.signal);
    }
  }

  /**
   * --exit with a sink that commits at its own boundaries (a file sink: an in-use file's start):
   * the partitions this member wrote to their end have their files closed, so that their commits
   * reach the end (the group's other members do the same with theirs).
   */
  async function finishWritten(ps: FetchSummary['partitions']): Promise<void> {
    const gen = reading;
    if (!gen || !sink.closePartitions || sink.commitTransaction || unconfirmed.length > 0) return;
    const done = ps.filter((p) => gen.partitions.has(p.partition) && p.nextOffset < p.highWatermark && (gen.confirmed.get(p.partition) ?? -1) >= p.highWatermark).map((p) => p.partition);
    if (done.length === 0) return;
    await sink.closePartitions(topic, done).catch(() => undefined);
    for (const p of done) commitConfirmed(gen, p);
  }
}
