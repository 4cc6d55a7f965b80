import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {ListOffsets} from '../../src/protocol/messages/02-list-offsets.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {encodeBatch} from '../../src/protocol/records/records.js';
import {startBroker} from '../helpers/broker.js';

let broker: Broker;
let conn: WireConnection;
let newest: number;

beforeAll(async () => {
  ({broker} = await startBroker());
  await broker.createTopic('times', 1, {'message.timestamp.difference.max.ms': '9223372036854775807'});
  const {host, port} = broker.advertised;
  conn = await WireConnection.connect(host, port);
  const now = Date.now();
  newest = now - 1000;
  // Two batches; the newest record is in the middle of the first one.
  for (const timestamps of [[now - 3000, now - 1000, now - 2000], [now - 1500]]) {
    const batch = await encodeBatch(timestamps.map((timestamp, i) => ({value: `r${i}`, timestamp})));
    const res = await conn.request(Produce, 9, {transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{name: 'times', partitionData: [{index: 0, records: batch}]}]});
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
  }
});
afterAll(async () => {
  conn.close();
  await broker.close();
});

const listOffsets = async (version: number, timestamp: number) =>
  (await conn.request(ListOffsets, version, {replicaId: -1, isolationLevel: 0, topics: [{name: 'times', partitions: [{partitionIndex: 0, currentLeaderEpoch: -1, timestamp}]}]})).topics[0].partitions[0];

describe('ListOffsets, flexible versions and special timestamps', () => {
  it('-3 (v7, KIP-734) finds the record with the largest timestamp; -4 is the log start, -5 nothing tiered', async () => {
    expect(await listOffsets(7, -3)).toMatchObject({errorCode: 0, offset: 1, timestamp: newest, leaderEpoch: 0});
    expect(await listOffsets(8, -4)).toMatchObject({errorCode: 0, offset: 0, leaderEpoch: 0});
    expect(await listOffsets(8, -5)).toMatchObject({errorCode: 0, offset: -1, leaderEpoch: -1});
    expect(await listOffsets(8, -1)).toMatchObject({errorCode: 0, offset: 4, leaderEpoch: 0});
    expect(await listOffsets(6, -2)).toMatchObject({errorCode: 0, offset: 0});
  });
});
