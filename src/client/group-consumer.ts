import {errorMessage, UserError} from '../lib/errors.js';
import type {FetchedRecord, FetchSummary} from './fetcher.js';
import {createKafka, probeBrokers} from './kafka.js';
import {translateKafkaError} from './kafka-errors.js';

export interface GroupConsumeOptions {
  brokers: string[];
  topic: string;
  groupId: string;
  /** Where a group with no committed offset starts (auto.offset.reset). */
  startAtBeginning: boolean;
  maxRecords?: number;
  /** Stop once the group's committed offsets reach every partition's end (kcat -G -e). */
  stopAtEnd: boolean;
  signal: AbortSignal;
}

const END_CHECK_MS = 300;

/**
 * Reads a topic as a member of a consumer group and commits each batch right after `deliver`
 * returned, so the group's offsets say what was actually printed: a crash reprints at most the
 * batch in hand, and never skips one.
 */
export async function consumeAsGroupMember(options: GroupConsumeOptions, deliver: (records: FetchedRecord[]) => Promise<void>): Promise<FetchSummary> {
  const {brokers, topic, groupId} = options;
  await probeBrokers(brokers);
  const kafka = createKafka(brokers, 'kcollect-consume');
  const consumer = kafka.consumer({groupId, maxWaitTimeInMs: 500, sessionTimeout: 10_000, heartbeatInterval: 1000});
  const admin = kafka.admin();
  let records = 0;
  let stoppedBy: FetchSummary['stoppedBy'] = 'signal';
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let ended = false;
  const stop = (why: FetchSummary['stoppedBy']) => {
    stoppedBy = why;
    ended = true;
    finish();
  };
  options.signal.addEventListener('abort', () => stop('signal'), {once: true});
  // kafkajs gives up for good on an error it does not retry (e.g. a batch it cannot decode):
  // end with that error rather than wait forever.
  let crashed: unknown;
  consumer.on(consumer.events.CRASH, ({payload}) => {
    if (payload.restart) return;
    crashed = payload.error;
    stop('signal');
  });
  try {
    await Promise.all([consumer.connect(), admin.connect()]);
    await consumer.subscribe({topic, fromBeginning: options.startAtBeginning});
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({batch, isRunning, isStale, heartbeat}) => {
        if (!isRunning() || isStale() || options.signal.aborted) return;
        let messages = batch.messages;
        if (options.maxRecords !== undefined) messages = messages.slice(0, options.maxRecords - records);
        if (messages.length === 0) return;
        await deliver(
          messages.map((m) => ({
            topic,
            partition: batch.partition,
            offset: Number(m.offset),
            timestamp: Number(m.timestamp),
            key: m.key,
            value: m.value,
            headers: Object.entries(m.headers ?? {}).flatMap(([key, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({key, value: value === undefined ? null : Buffer.from(value)}))),
          })),
        );
        records += messages.length;
        const next = String(Number(messages[messages.length - 1].offset) + 1);
        await consumer.commitOffsets([{topic, partition: batch.partition, offset: next}]);
        await heartbeat();
        if (options.maxRecords !== undefined && records >= options.maxRecords) stop('count');
      },
    });
    if (options.stopAtEnd) void watchForEnd();
    await finished;
    if (crashed !== undefined) throw stoppedReading(crashed);
    return {records, stoppedBy, partitions: await positions()};
  } catch (err) {
    throw translateKafkaError(err, `consume ${topic} as group ${groupId}`, brokers);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }

  function stoppedReading(err: unknown): UserError {
    return new UserError(
      `consume ${topic} as group ${groupId} stopped after ${records} record(s): ${errorMessage(err)}`,
      `a damaged batch may follow the group's committed offsets (\`kcollect group describe ${groupId}\`); \`kcollect consume ${topic} --from OFFSET --exit\` without --group names the batch`,
    );
  }

  async function positions(): Promise<FetchSummary['partitions']> {
    const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({groupId, topics: [topic]})]);
    return ends.map((e) => {
      const c = Number(committed.partitions.find((p) => p.partition === e.partition)?.offset ?? -1);
      return {partition: e.partition, nextOffset: c >= 0 ? c : Number(e.low), highWatermark: Number(e.high)};
    });
  }

  /** The group is at the end when, for every partition, what it committed reached the log end. */
  async function watchForEnd(): Promise<void> {
    while (!options.signal.aborted && !ended) {
      const ps = await positions().catch(() => []);
      if (ps.length > 0 && ps.every((p) => p.nextOffset >= p.highWatermark)) return stop('end');
      await new Promise((r) => setTimeout(r, END_CHECK_MS));
    }
  }
}
