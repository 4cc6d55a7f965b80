import {errorMessage, UserError} from '../lib/errors.js';
import {backoffDelay, sleep} from '../lib/backoff.js';
import {ClusterConnections} from './cluster-connections.js';
import {byPartition, type FetchedRecord, type FetchSummary} from './fetcher.js';
import {readOwnedPartitions} from './group-reading.js';
import {createKafka, probeBrokers, renewingAdmin} from './kafka.js';
import {KAFKA_RETRY_BACKOFF, kafkaOutOfReach, translateKafkaError} from './kafka-errors.js';
import type {GroupMemberSettings} from './client-settings.js';
import {GroupMember, memberSettings} from './wire-group.js';

export interface GroupConsumeOptions {
  brokers: string[];
  topic: string;
  groupId: string;
  /** Where a group with no committed offset starts (auto.offset.reset). */
  startAtBeginning: boolean;
  /** The client properties' session.timeout.ms, heartbeat.interval.ms, max.poll.interval.ms, partition.assignment.strategy. */
  member?: GroupMemberSettings;
  maxRecords?: number;
  /** Stop once the group's committed offsets reach every partition's end (kcat -G -e). */
  stopAtEnd: boolean;
  signal: AbortSignal;
  /** Said while the group cannot be joined (Kafka out of reach), and once it is joined again. */
  onWarning?: (message: string) => void;
}

const END_CHECK_MS = 300;

/**
 * Reads a topic as a member of a consumer group (kcollect's own group member and fetcher) and
 * commits each partition's records right after `deliver` returned, so the group's offsets say
 * what was actually printed: a crash reprints at most the records in hand, and never skips one.
 */
export async function consumeAsGroupMember(options: GroupConsumeOptions, deliver: (records: FetchedRecord[]) => Promise<boolean>): Promise<FetchSummary> {
  const {brokers, topic, groupId} = options;
  await probeBrokers(brokers);
  const cluster = new ClusterConnections(brokers, 'kcollect-consume');
  /** A warning said the group cannot be joined, or the reading waits for Kafka: the next join says it is over. */
  let joinTrouble = false;
  let waiting = false;
  /** Readings in a row that ended because Kafka did not answer. */
  let kafkaRetries = 0;
  const member = new GroupMember(cluster, {
    groupId,
    topic,
    ...memberSettings({sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, heartbeatIntervalMs: 1000}, options.member),
    onJoinTrouble: (reason) => {
      if (reason === undefined) return kafkaAnswers();
      joinTrouble = true;
      options.onWarning?.(`cannot join group ${groupId} yet: ${reason}; trying until Kafka answers`);
    },
  });
  const admin = createKafka(brokers, 'kcollect-consume').admin();
  const adminCall = renewingAdmin(admin);
  let records = 0;
  let stoppedBy: FetchSummary['stoppedBy'] | undefined;
  /** Ends the reading of the current generation (a rebalance, or the end of the read). */
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

  /** The partitions being printed; a partition revoked (cooperative rebalancing) is printed no more. */
  const owned = new Set<number>();

  /** Prints and commits one fetched response, partition by partition. */
  async function printAndCommit(fetched: FetchedRecord[], ended: AbortSignal): Promise<void> {
    for (const [partition, all] of byPartition(fetched)) {
      if (ended.aborted) return;
      if (!owned.has(partition)) continue;
      const some = options.maxRecords === undefined ? all : all.slice(0, options.maxRecords - records);
      if (some.length === 0) return stop('count');
      // Not printed (the reader went away, or the read stopped first): nothing to commit.
      if (!(await deliver(some))) return;
      records += some.length;
      try {
        await member.commit(new Map([[partition, some[some.length - 1].offset + 1]]));
      } catch {
        // The group moved on: the next owner of the partition reads from the last commit.
        generation.abort();
        return;
      }
      if (options.maxRecords !== undefined && records >= options.maxRecords) return stop('count');
    }
  }

  /** Reads what the member owns until the reading ends (eager: one generation; cooperative: until stopped). */
  async function readGeneration(): Promise<void> {
    const ended = (generation = new AbortController()).signal;
    if (stopping.signal.aborted) return;
    owned.clear();
    let inHand: Promise<unknown> = Promise.resolve();
    await readOwnedPartitions({
      member,
      brokers,
      clientId: 'kcollect-consume',
      topic,
      otherwise: options.startAtBeginning ? 'beginning' : 'end',
      ended: generation,
      onAssigned: (offsets) => offsets.forEach((_, p) => owned.add(p)),
      // Each record is committed as soon as it is printed: the print in hand finishes, and that is all.
      onRevoked: async (partitions) => {
        for (const p of partitions) owned.delete(p);
        await inHand.catch(() => undefined);
      },
      onRebalance: kafkaAnswers,
      deliver: (fetched) => (inHand = printAndCommit(fetched, ended)),
      // Kafka out of reach is waited for (below), not a damaged batch.
      fetchFailed: (err) => (kafkaOutOfReach(err) ? err : stoppedReading(err)),
    });
  }

  /** Joined again: a wait for Kafka is over. */
  function kafkaAnswers(): void {
    kafkaRetries = 0;
    if (!joinTrouble && !waiting) return;
    joinTrouble = waiting = false;
    options.onWarning?.(`joined group ${groupId} again`);
  }

  /**
   * Kafka went out of reach under the reading (a broker restarting: a commit refused, so the
   * generation ended and the next one's Metadata found no broker; a fetch that kept failing): as
   * the drains do, it says so and reads again, from the last commit, for as long as it runs.
   */
  async function waitForKafka(err: unknown): Promise<void> {
    if (!waiting) options.onWarning?.(`Kafka is out of reach (${errorMessage(err)}); reading group ${groupId} again from its last commit once a broker answers`);
    waiting = true;
    await sleep(backoffDelay(kafkaRetries++, KAFKA_RETRY_BACKOFF), stopping.signal);
  }

  try {
    await admin.connect();
    if (options.stopAtEnd) void watchForEnd();
    while (stoppedBy === undefined) {
      try {
        await readGeneration();
      } catch (err) {
        if (stoppedBy !== undefined) break;
        if (!kafkaOutOfReach(err)) throw err;
        await waitForKafka(err);
      }
    }
    await member.leave();
    return {records, stoppedBy, partitions: await positions()};
  } catch (err) {
    throw translateKafkaError(err, `consume ${topic} as group ${groupId}`, brokers);
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    stopping.abort();
    await member.leave().catch(() => undefined);
    cluster.close();
    await admin.disconnect().catch(() => undefined);
  }

  function stoppedReading(err: unknown): UserError {
    return new UserError(
      `consume ${topic} as group ${groupId} stopped after ${records} record(s): ${errorMessage(err)}`,
      `a damaged batch may follow the group's committed offsets (\`kcollect group describe ${groupId}\`); \`kcollect consume ${topic} --from OFFSET --exit\` without --group names the batch`,
    );
  }

  async function positions(): Promise<FetchSummary['partitions']> {
    const [ends, [committed]] = await adminCall((a) => Promise.all([a.fetchTopicOffsets(topic), a.fetchOffsets({groupId, topics: [topic]})]));
    return ends.map((e) => {
      const c = Number(committed.partitions.find((p) => p.partition === e.partition)?.offset ?? -1);
      return {partition: e.partition, nextOffset: c >= 0 ? c : Number(e.low), highWatermark: Number(e.high)};
    });
  }

  /** The group is at the end when, for every partition, what it committed reached the log end. */
  async function watchForEnd(): Promise<void> {
    while (stoppedBy === undefined) {
      const ps = await positions().catch(() => []);
      if (ps.length > 0 && ps.every((p) => p.nextOffset >= p.highWatermark)) return stop('end');
      await sleep(END_CHECK_MS, stopping.signal);
    }
  }
}
