import {afterAll, describe, expect, it} from 'vitest';
import {ProduceError, WireTopicProducer} from '../../src/client/wire-producer.js';
import type {OutgoingRecord} from '../../src/client/producer.js';
import {spawnBroker, startBroker, tempDir} from '../helpers/broker.js';
import {droppingProxy} from '../helpers/dropping-proxy.js';
import {readTopic, topicValues} from '../helpers/kafka.js';
import {runOk} from '../helpers/run.js';
import {CLI} from '../helpers/cli.js';
import {freePort} from '../../src/lib/ports.js';

const PRODUCE = 0;
const records = (from: number, n: number, partition?: number): OutgoingRecord[] =>
  Array.from({length: n}, (_, i) => ({key: null, value: Buffer.from(`v${from + i}`), partition, headers: [{key: 'n', value: Buffer.from(String(from + i))}]}));

describe('the wire producer', () => {
  const cleanups: Array<() => unknown> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('writes keyed and unkeyed records with headers and reports their offsets', async () => {
    const {broker, bootstrap} = await startBroker();
    cleanups.push(() => broker.close());
    await runOk(process.execPath, [CLI, 'topic', 'create', 'plain', '-b', bootstrap, '-p', '3']);
    const producer = await WireTopicProducer.open('plain', {brokers: [bootstrap], idempotent: true});
    await producer.send([...records(0, 50), {key: Buffer.from('K0001'), value: Buffer.from('keyed'), timestamp: 1_451_606_400_000}]);
    const report = await producer.flush();
    await producer.close();
    expect(report.records).toBe(51);
    expect(report.partitions.reduce((n, p) => n + (p.lastOffset! - p.firstOffset! + 1), 0)).toBe(51);
    const read = await readTopic(bootstrap, 'plain');
    expect(read.map((r) => r.value?.toString()).sort()).toEqual([...records(0, 50).map((r) => r.value!.toString()), 'keyed'].sort());
    const keyed = read.find((r) => r.key?.toString() === 'K0001')!;
    expect(Number(keyed.timestamp)).toBe(1_451_606_400_000);
    expect(read.find((r) => r.value?.toString() === 'v7')!.headers.find((h) => h.key === 'n')?.value?.toString()).toBe('7');
  });

  it('splits a send larger than max.message.bytes into batches, in order, and counts the bytes it delivered', async () => {
    const {broker, bootstrap} = await startBroker();
    cleanups.push(() => broker.close());
    await runOk(process.execPath, [CLI, 'topic', 'create', 'large', '-b', bootstrap, '-p', '2']);
    const producer = await WireTopicProducer.open('large', {brokers: [bootstrap], idempotent: true});
    // Five 300 kB values to partition 1: no more than three fit a 1 MB batch.
    const big = Array.from({length: 5}, (_, i): OutgoingRecord => ({key: Buffer.from(`k${i}`), value: Buffer.alloc(300_000, 97 + i), partition: 1}));
    await producer.send(big);
    const report = await producer.flush();
    await producer.close();
    expect(report.records).toBe(5);
    expect(report.bytes).toBe(5 * (2 + 300_000));
    const read = await readTopic(bootstrap, 'large');
    expect(read.map((r) => [r.partition, r.key?.toString(), r.value?.length, r.value?.[0]])).toEqual(big.map((r, i) => [1, `k${i}`, 300_000, 97 + i]));
  });

  it('a topic with max.message.bytes=2000: batches are built under it, idempotent, every record once and in order', async () => {
    const {broker, bootstrap} = await startBroker();
    cleanups.push(() => broker.close());
    await runOk(process.execPath, [CLI, 'topic', 'create', 'small', '-b', bootstrap, '-c', 'max.message.bytes=2000']);
    const producer = await WireTopicProducer.open('small', {brokers: [bootstrap], idempotent: true});
    await producer.send(records(0, 1000, 0));
    await producer.send(records(1000, 1000, 0));
    const report = await producer.flush();
    await producer.close();
    expect(report.records).toBe(2000);
    expect(await topicValues(bootstrap, 'small')).toEqual(records(0, 2000).map((r) => r.value!.toString()));
    expect(producer.maxMessageBytes).toBe(2000);
  });

  it('max.message.bytes lowered while it runs: refused batches go again smaller; a record too large alone is refused and the rest arrive once, in order', async () => {
    const {broker, bootstrap} = await startBroker();
    cleanups.push(() => broker.close());
    await runOk(process.execPath, [CLI, 'topic', 'create', 'lowered', '-b', bootstrap, '-p', '2']);
    const producer = await WireTopicProducer.open('lowered', {brokers: [bootstrap], idempotent: true});
    await producer.send(records(0, 100, 0));
    await producer.flush();
    await runOk(process.execPath, [CLI, 'topic', 'alter-config', 'lowered', '-b', bootstrap, '--set', 'max.message.bytes=2000']);
    // Sized for the old limit: each batch is refused whole, then goes again in pieces; the large
    // records are refused and the records after them (in this batch and the next) renumbered.
    const big = (name: string, partition: number): OutgoingRecord => ({key: null, value: Buffer.alloc(3000, name), partition});
    const batch = [...records(100, 300, 0), big('a', 0), ...records(400, 300, 0), big('b', 1), ...records(700, 300, 1), big('c', 0)];
    const [first, second] = await Promise.all([producer.sendConfirmed(batch), producer.sendConfirmed(records(1000, 500, 0))]);
    expect(first.unacknowledged).toEqual([]);
    expect(second).toEqual({unacknowledged: [], refused: []});
    expect(first.refused.map((r) => r.record.value![0]).sort()).toEqual([97, 98, 99]);
    expect(first.refused[0].reason).toMatch(/^record of 3000 bytes refused by topic lowered: MESSAGE_TOO_LARGE \(10\): .*max.message.bytes=2000/);
    expect(producer.maxMessageBytes).toBe(2000);
    // The same producer goes on: its sequence numbers are still the broker's.
    await producer.send(records(1500, 100, 0));
    await producer.send([big('d', 1), ...records(1600, 100, 1)]);
    const err = await producer.flush().catch((e: unknown) => e);
    await producer.close();
    expect(err).toBeInstanceOf(ProduceError);
    expect((err as ProduceError).message).toMatch(/produce to lowered: 1 record\(s\) too large, 1700 acknowledged/);
    expect((err as ProduceError).refused.map((r) => r.record.value![0])).toEqual([100]);
    expect((err as ProduceError).unacknowledged).toEqual([]);
    const read = await readTopic(bootstrap, 'lowered');
    const inPartition = (p: number) => read.filter((r) => r.partition === p).sort((x, y) => x.offset - y.offset).map((r) => r.value!.toString());
    const values = (from: number, to: number) => records(from, to - from).map((r) => r.value!.toString());
    expect(inPartition(0)).toEqual([...values(0, 700), ...values(1000, 1600)]);
    expect(inPartition(1)).toEqual([...values(700, 1000), ...values(1600, 1700)]);
  });

  it('a produce response lost on the way: the batch is sent again with its sequence and written once', async () => {
    let target = {host: '127.0.0.1', port: 0};
    const proxy = await droppingProxy(() => target, PRODUCE);
    cleanups.push(proxy.close);
    const {broker} = await startBroker({advertisedPort: proxy.port});
    cleanups.push(() => broker.close());
    target = broker.listening;
    await runOk(process.execPath, [CLI, 'topic', 'create', 'lost-ack', '-b', `127.0.0.1:${proxy.port}`]);
    const producer = await WireTopicProducer.open('lost-ack', {brokers: [`127.0.0.1:${proxy.port}`], idempotent: true, requestTimeoutMs: 500});
    await producer.send(records(0, 100, 0));
    await producer.send(records(100, 100, 0));
    await producer.flush();
    await producer.close();
    expect(proxy.dropped()).toBe(1);
    expect(await topicValues(`127.0.0.1:${proxy.port}`, 'lost-ack')).toEqual(records(0, 200).map((r) => r.value!.toString()));
  });

  it('a broker killed -9: the failure names what was not acknowledged; sent again after the restart, every record is in Kafka once', async () => {
    const dataDir = tempDir('wire-producer');
    const port = await freePort();
    let b = await spawnBroker(dataDir, {port});
    cleanups.push(() => b.proc.kill('SIGKILL'));
    await runOk(process.execPath, [CLI, 'topic', 'create', 'killed', '-b', b.bootstrap, '-p', '2']);
    const producer = await WireTopicProducer.open('killed', {brokers: [b.bootstrap], idempotent: true, deliveryTimeoutMs: 1500, requestTimeoutMs: 500});
    await producer.send(records(0, 100));
    await producer.flush();

    b.proc.kill('SIGKILL');
    await b.exited;
    const unsent = await producer
      .send(records(100, 100))
      .then(() => producer.flush())
      .then(
        () => [],
        (err) => (err instanceof ProduceError ? err.unacknowledged : Promise.reject(err)),
      );
    expect(unsent.map((r) => r.value!.toString())).toEqual(records(100, 100).map((r) => r.value!.toString()));

    b = await spawnBroker(dataDir, {port});
    await producer.send(unsent);
    await producer.flush();
    await producer.close();
    expect((await topicValues(b.bootstrap, 'killed')).sort()).toEqual(records(0, 200).map((r) => r.value!.toString()).sort());
  });
});
