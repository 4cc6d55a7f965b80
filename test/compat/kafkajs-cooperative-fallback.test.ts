/**
 * A kcollect group drain (which prefers cooperative-sticky) and a kafkajs consumer (kafkajs has no
 * cooperative assignor; here it offers "range") in one group: the group falls back to range and
 * both read; once the kafkajs consumer leaves, the drain's group is cooperative-sticky again.
 */
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {drainGroup} from '../../src/drain/group-drain.js';
import {DeadLetterQueue} from '../../src/sinks/dead-letter.js';
import {startBroker} from '../helpers/broker.js';
import {numberedValues, produceNumbered, recordingSink} from '../helpers/numbered-records.js';
import {until} from '../helpers/poll.js';

const {Kafka, logLevel, AssignerProtocol} = kafkajs;
const TOPIC = 'mixed';
const GROUP = 'mixed-group';

/** Kafka's range assignor for kafkajs (which ships round-robin only), under Kafka's name. */
const rangeAssigner: kafkajs.PartitionAssigner = ({cluster}) => ({
  name: 'range',
  version: 0,
  async assign({members, topics}) {
    const sorted = members.map((m) => m.memberId).sort();
    const out = new Map<string, Record<string, number[]>>(sorted.map((id) => [id, {}]));
    for (const topic of topics) {
      const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId).sort((a, b) => a - b);
      const each = Math.floor(partitions.length / sorted.length);
      const extra = partitions.length % sorted.length;
      sorted.forEach((id, i) => {
        const from = i * each + Math.min(i, extra);
        out.get(id)![topic] = partitions.slice(from, from + each + (i < extra ? 1 : 0));
      });
    }
    return sorted.map((memberId) => ({memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({version: 0, assignment: out.get(memberId)!, userData: Buffer.alloc(0)})}));
  },
  protocol({topics}) {
    return {name: 'range', metadata: AssignerProtocol.MemberMetadata.encode({version: 0, topics, userData: Buffer.alloc(0)})};
  },
});

describe('a group of a kcollect drain and a kafkajs consumer', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  beforeAll(async () => {
    env = await startBroker({numPartitions: 6});
    await env.broker.createTopic(TOPIC, 6, {});
  });
  afterAll(async () => {
    await env.broker.close();
  });

  const produce = (from: number, to: number) => produceNumbered(env.bootstrap, TOPIC, from, to);
  const protocol = () => {
    const g = env.broker.groups.describeGroup(GROUP);
    return g.state === 'Stable' ? `${g.protocol}/${g.members.length}` : undefined;
  };

  it('falls back to range while the kafkajs consumer is in, reads every record, and is cooperative again once it left', async () => {
    const {sink, seen, fast} = recordingSink(30);
    await produce(0, 3000);
    const stop = new AbortController();
    const deadLetters = new DeadLetterQueue([env.bootstrap], `${TOPIC}.dlq`, sink.name);
    const draining = drainGroup({brokers: [env.bootstrap], topic: TOPIC, groupId: GROUP, sink, deadLetters, startAtBeginning: true, batchSize: 50, stopAtEnd: false, signal: stop.signal, member: {sessionTimeoutMs: 6000, heartbeatIntervalMs: 500}});
    const kafka = new Kafka({clientId: 'kafkajs-member', brokers: [env.bootstrap], logLevel: logLevel.NOTHING});
    const consumer = kafka.consumer({groupId: GROUP, partitionAssigners: [rangeAssigner], sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200});
    const byKafkajs: string[] = [];
    try {
      await until(() => protocol() === 'cooperative-sticky/1' && seen.size > 0, 'the drain alone, cooperative-sticky');

      await consumer.connect();
      await consumer.subscribe({topic: TOPIC, fromBeginning: true});
      await consumer.run({eachMessage: async ({message}) => void byKafkajs.push(message.value!.toString())});
      await until(() => protocol() === 'range/2', 'the group falls back to range with both members');
      await produce(3000, 6000);
      await until(() => byKafkajs.length > 0, 'the kafkajs consumer reads its share');
      fast();
      await until(() => numberedValues(0, 6000).every((v) => seen.has(v) || byKafkajs.includes(v)), 'every record read by one of them', 90_000);
      expect(protocol()).toBe('range/2');
    } finally {
      await consumer.disconnect();
    }
    await until(() => protocol() === 'cooperative-sticky/1', 'the drain alone again, cooperative-sticky');
    await produce(6000, 7000);
    await until(() => numberedValues(6000, 7000).every((v) => seen.has(v)), 'the drain reads all partitions again');
    stop.abort();
    await draining;
    await deadLetters.close();
  }, 150_000);

  it('with partition.assignment.strategy=cooperative-sticky alone, the group stays cooperative: the range-only consumer is refused (INCONSISTENT_GROUP_PROTOCOL), as Kafka refuses it', async () => {
    const group = 'cooperative-only';
    const {sink, seen} = recordingSink();
    const stop = new AbortController();
    const deadLetters = new DeadLetterQueue([env.bootstrap], `${TOPIC}.dlq`, sink.name);
    const draining = drainGroup({brokers: [env.bootstrap], topic: TOPIC, groupId: group, sink, deadLetters, startAtBeginning: true, batchSize: 50, stopAtEnd: false, signal: stop.signal, member: {sessionTimeoutMs: 6000, heartbeatIntervalMs: 500, assignors: ['cooperative-sticky']}});
    const kafka = new Kafka({clientId: 'kafkajs-member', brokers: [env.bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 0}});
    const consumer = kafka.consumer({groupId: group, partitionAssigners: [rangeAssigner], sessionTimeout: 6000, heartbeatInterval: 500, retry: {retries: 0}});
    try {
      await until(() => env.broker.groups.describeGroup(group).state === 'Stable', 'the drain to join');
      await consumer.connect();
      await consumer.subscribe({topic: TOPIC, fromBeginning: true});
      let refused: unknown;
      consumer.on(consumer.events.CRASH, ({payload}) => (refused = payload.error));
      await consumer.run({eachMessage: async () => undefined});
      await until(() => refused !== undefined, 'the kafkajs consumer to be refused');
      expect(String((refused as Error).message)).toMatch(/protocol/i);
      const g = env.broker.groups.describeGroup(group);
      expect([g.protocol, g.members.length]).toEqual(['cooperative-sticky', 1]);
      await produce(7000, 7600);
      await until(() => numberedValues(7000, 7600).every((v) => seen.has(v)), 'the drain reads on, alone');
    } finally {
      await consumer.disconnect();
      stop.abort();
      await draining;
      await deadLetters.close();
    }
  }, 90_000);
});
