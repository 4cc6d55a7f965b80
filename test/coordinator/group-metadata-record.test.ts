/**
 * The group record in __consumer_offsets carries the members and their assignments, as Kafka
 * writes it: tools that read the topic (Burrow's owners, lag exporters) see who reads what.
 */
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {decodeConsumerOffsetsKey, decodeGroupMetadataValue, OFFSETS_TOPIC} from '../../src/protocol/consumer-offsets.js';
import {startBroker} from '../helpers/broker.js';
import {readTopic} from '../helpers/kafka.js';

let broker: Broker;
let bootstrap: string;

beforeAll(async () => {
  ({broker, bootstrap} = await startBroker());
  await broker.createTopic('owned', 2, {});
});
afterAll(async () => {
  await broker.close();
});

it('records the leader, each member with its client id and host, and its assignment', async () => {
  const kafka = new kafkajs.Kafka({brokers: [bootstrap], clientId: 'owner-app', logLevel: kafkajs.logLevel.NOTHING});
  const consumer = kafka.consumer({groupId: 'owners'});
  const joined = new Promise<string>((resolve) => consumer.on(consumer.events.GROUP_JOIN, (e) => resolve(e.payload.memberId)));
  await consumer.connect();
  await consumer.subscribe({topic: 'owned', fromBeginning: true});
  await consumer.run({eachMessage: async () => undefined});
  const memberId = await joined;
  await consumer.stop();

  const records = (await readTopic(bootstrap, OFFSETS_TOPIC)).filter((r) => {
    const key = r.key && decodeConsumerOffsetsKey(r.key);
    return key?.type === 'group' && key.group === 'owners' && r.value !== null;
  });
  const stable = records.map((r) => decodeGroupMetadataValue(r.value!)).find((v) => v.members.some((m) => m.assignment.length > 0));
  expect(stable, 'a group record with an assignment').toBeDefined();
  expect(stable!.protocolType).toBe('consumer');
  expect(stable!.leader).toBe(memberId);
  expect(stable!.members).toHaveLength(1);
  const [member] = stable!.members;
  expect(member.memberId).toBe(memberId);
  expect(member.clientId).toBe('owner-app');
  expect(member.clientHost).toMatch(/127\.0\.0\.1/);
  // The consumer protocol's subscription names the topic; the assignment gives it both partitions.
  expect(member.subscription.includes(Buffer.from('owned'))).toBe(true);
  expect(member.assignment.includes(Buffer.from('owned'))).toBe(true);
  await consumer.disconnect();
});
