import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {isFlexible} from '../../src/protocol/codec.js';
import {startBroker} from '../helpers/broker.js';

// @platformatic/kafka (pure TypeScript) needs Node 22.22+: it runs in the Node 24 pass of `npm test` (bin/test-node24.js).
const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 22);
if (!supported) console.warn(`\n!! SKIPPING the @platformatic/kafka tests on Node ${process.versions.node}: it needs Node 22.22+ (they run in npm test's Node 24 pass)\n`);

describe.skipIf(!supported)('@platformatic/kafka against the broker', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  /** Every request's API key and version, as the broker's router saw them. */
  const requests: Array<[number, number]> = [];

  beforeAll(async () => {
    env = await startBroker({offsetsTopicNumPartitions: 3});
    const router = env.broker.router;
    const supports = router.supports.bind(router);
    vi.spyOn(router, 'supports').mockImplementation((apiKey: number, version: number) => {
      requests.push([apiKey, version]);
      return supports(apiKey, version);
    });
  });
  afterAll(async () => {
    await env.broker.close();
  });

  it('creates a topic, produces, consumes it in a group, each API at the highest version both sides have', async () => {
    const {Admin, Consumer, Producer, stringDeserializers, stringSerializers} = await import('@platformatic/kafka');
    const bootstrapBrokers = [env.bootstrap];
    const admin = new Admin({clientId: 'plt-admin', bootstrapBrokers});
    await admin.createTopics({topics: ['plt'], partitions: 2, replicas: 1});
    expect(await admin.listTopics()).toContain('plt');
    await admin.close();

    const producer = new Producer({clientId: 'plt-producer', bootstrapBrokers, serializers: stringSerializers});
    await producer.send({messages: [1, 2, 3, 4, 5, 6].map((i) => ({topic: 'plt', key: `car${i}`, value: `line ${i}`, headers: {n: String(i)}}))});
    await producer.close();

    const consumer = new Consumer({groupId: 'plt-group', clientId: 'plt-consumer', bootstrapBrokers, deserializers: stringDeserializers});
    const stream = await consumer.consume({autocommit: true, topics: ['plt'], mode: 'earliest', sessionTimeout: 10_000, heartbeatInterval: 500});
    const got: Array<{key: string; value: string; n: string}> = [];
    for await (const m of stream) {
      got.push({key: m.key, value: m.value, n: String(m.headers.get('n'))});
      if (got.length === 6) break;
    }
    await stream.close();
    await consumer.close();
    expect(got.sort((a, b) => a.value.localeCompare(b.value))).toEqual([1, 2, 3, 4, 5, 6].map((i) => ({key: `car${i}`, value: `line ${i}`, n: String(i)})));

    // The client negotiates: every request (but ApiVersions, which goes first) at our highest version of its API.
    const router = env.broker.router;
    const used = new Map<number, Set<number>>();
    for (const [key, version] of requests) if (key !== 18) used.set(key, (used.get(key) ?? new Set()).add(version));
    for (const [key, versions] of used) expect([key, [...versions]]).toEqual([key, [router.get(key)!.maxVersion]]);
    // ... and those are the flexible (KIP-482) versions a modern client prefers.
    const notFlexible = [...used.keys()].filter((key) => !isFlexible(router.get(key)!.api.request, router.get(key)!.maxVersion)).map((key) => router.get(key)!.api.name);
    expect(notFlexible).toEqual([]);
    expect(used.size).toBeGreaterThanOrEqual(8);
  });
});
