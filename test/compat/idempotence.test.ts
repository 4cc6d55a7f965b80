import kafkajs from 'kafkajs';
import {afterAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {InitProducerId} from '../../src/protocol/messages/22-init-producer-id.js';
import {encodeBatch} from '../../src/protocol/records/records.js';
import {startBroker} from '../helpers/broker.js';
import {droppingProxy} from '../helpers/dropping-proxy.js';
import {runOk} from '../helpers/run.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';

const {Kafka, logLevel} = kafkajs;
const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));
const PRODUCE = 0;

const CONFLUENT_IDEMPOTENT = `
import json, sys
from confluent_kafka import Producer
boot, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
errors = []
p = Producer({'bootstrap.servers': boot, 'enable.idempotence': True, 'linger.ms': 2, 'batch.num.messages': 500})
for i in range(n):
    p.produce(topic, key=b'k%d' % (i % 8), value=b'%d' % i, on_delivery=lambda err, m: errors.append(str(err)) if err else None)
    if i % 10000 == 0: p.poll(0)
left = p.flush(60)
print(json.dumps({'errors': errors, 'left': left}))
`;

function highWatermarks(broker: Broker, topic: string): number {
  const info = broker.logs.topic(topic)!;
  let total = 0;
  for (let p = 0; p < info.partitions; p++) total += broker.logs.partition(topic, p)!.highWatermark;
  return total;
}

describe('idempotent producers', () => {
  const cleanups: Array<() => unknown> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('a kafkajs idempotent producer whose produce response is lost retries without duplicating', async () => {
    let brokerAddress = {host: '127.0.0.1', port: 0};
    const proxy = await droppingProxy(() => brokerAddress, PRODUCE);
    cleanups.push(proxy.close);
    // The broker advertises the proxy, so every connection goes through it.
    const env = await startBroker({advertisedPort: proxy.port});
    cleanups.push(() => env.broker.close());
    brokerAddress = env.broker.listening;

    const kafka = new Kafka({clientId: 'idem', brokers: [`127.0.0.1:${proxy.port}`], logLevel: logLevel.NOTHING, requestTimeout: 1500, retry: {retries: 5, initialRetryTime: 100}});
    const producer = kafka.producer({idempotent: true, maxInFlightRequests: 1});
    await producer.connect();
    await producer.send({topic: 'idem', messages: Array.from({length: 10}, (_, i) => ({key: 'k', value: `v${i}`}))});
    await producer.send({topic: 'idem', messages: [{key: 'k', value: 'after'}]});
    await producer.disconnect();

    expect(proxy.dropped()).toBe(1);
    // Ten records from the retried batch once, plus one: nothing doubled.
    expect(highWatermarks(env.broker, 'idem')).toBe(11);
  });

  it.runIf(haveConfluent)('confluent-kafka with enable.idempotence=True runs to completion with nothing doubled', async () => {
    const env = await startBroker({numPartitions: 4});
    cleanups.push(() => env.broker.close());
    const out = JSON.parse(await runOk('/usr/bin/python3', ['-c', CONFLUENT_IDEMPOTENT, env.bootstrap, 'idem-py', '50000']));
    expect(out).toEqual({errors: [], left: 0});
    expect(highWatermarks(env.broker, 'idem-py')).toBe(50_000);
  });

  it('rejects an old epoch and an out-of-order sequence, and survives a restart', async () => {
    const env = await startBroker();
    const {broker} = env;
    const [host, port] = env.bootstrap.split(':');
    let conn = await WireConnection.connect(host, Number(port));
    const {producerId} = await conn.request(InitProducerId, 1, {transactionalId: null, transactionTimeoutMs: 60000});
    const send = async (epoch: number, seq: number) => {
      const records = await encodeBatch([{key: 'k', value: `s${seq}`}], {producerId, producerEpoch: epoch, baseSequence: seq});
      const res = await conn.request(Produce, 7, {transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{name: 'fence', partitionData: [{index: 0, records}]}]});
      return res.responses[0].partitionResponses[0];
    };
    broker.logs.createTopic('fence', 1, {});
    expect(await send(1, 0)).toMatchObject({errorCode: 0, baseOffset: 0});
    expect(await send(1, 1)).toMatchObject({errorCode: 0, baseOffset: 1});
    expect(await send(1, 1)).toMatchObject({errorCode: 0, baseOffset: 1}); // duplicate: original offset
    expect((await send(1, 3)).errorCode).toBe(45); // OUT_OF_ORDER_SEQUENCE_NUMBER
    expect((await send(0, 2)).errorCode).toBe(47); // INVALID_PRODUCER_EPOCH
    conn.close();
    await broker.close();

    const again = await startBroker({dataDir: env.dataDir});
    cleanups.push(() => again.broker.close());
    conn = await WireConnection.connect('127.0.0.1', again.broker.advertised.port);
    expect(await send(1, 1)).toMatchObject({errorCode: 0, baseOffset: 1}); // still a duplicate after restart
    expect(await send(1, 2)).toMatchObject({errorCode: 0, baseOffset: 2});
    conn.close();
    expect(again.broker.logs.partition('fence', 0)!.highWatermark).toBe(3);
  });
});
