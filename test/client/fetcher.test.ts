/**
 * fetchRecords stopped (a rebalance, Ctrl-C) returns only once the delivery under way finished:
 * a group member that joined its next generation first had its commit of those records refused,
 * and the partition's next owner printed them all again.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {fetchRecords} from '../../src/client/fetcher.js';
import {openProducer} from '../../src/client/producer.js';
import {startBroker} from '../helpers/broker.js';

describe('fetchRecords', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 1});
    await env.broker.createTopic('held', 1, {});
    const producer = await openProducer('held', {brokers: [env.bootstrap], acks: 'all'});
    await producer.send(Array.from({length: 100}, (_, i) => ({key: null, value: Buffer.from(`r${i}`)})));
    await producer.flush();
    await producer.close();
  });
  afterAll(async () => {
    await env.broker.close();
  });

  it('stopped while a delivery is under way, resolves only after that delivery finished', async () => {
    const stop = new AbortController();
    let finishDelivery!: () => void;
    let delivering = false;
    let delivered = false;
    const read = fetchRecords({brokers: [env.bootstrap], clientId: 'held', topic: 'held', start: {kind: 'beginning'}, signal: stop.signal}, async () => {
      delivering = true;
      await new Promise<void>((resolve) => (finishDelivery = resolve));
      delivered = true;
    });
    let settled = false;
    void read.then(() => (settled = true));
    while (!delivering) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    finishDelivery();
    const summary = await read;
    expect(delivered).toBe(true);
    expect(summary.stoppedBy).toBe('signal');
  });
});
