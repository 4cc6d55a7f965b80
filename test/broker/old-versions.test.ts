import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {Fetch} from '../../src/protocol/messages/01-fetch.js';
import {ListOffsets} from '../../src/protocol/messages/02-list-offsets.js';
import {OffsetCommit} from '../../src/protocol/messages/08-offset-commit.js';
import {OffsetFetch} from '../../src/protocol/messages/09-offset-fetch.js';
import {decodeBatches, encodeBatch} from '../../src/protocol/records/records.js';
import {startBroker} from '../helpers/broker.js';

// The oldest versions Kafka 3.8 still serves, as Sarama's defaults (Burrow) and old clients send them.
describe('request versions older clients send', () => {
  let broker: Broker;
  let conn: WireConnection;
  beforeAll(async () => {
    ({broker} = await startBroker());
    await broker.createTopic('old', 1, {});
    conn = await WireConnection.connect(broker.advertised.host, broker.advertised.port);
    const records = await encodeBatch(['a', 'b', 'c'].map((value) => ({value})));
    const r = await conn.request(Produce, 3, {transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{name: 'old', partitionData: [{index: 0, records}]}]});
    expect(r.responses[0].partitionResponses[0].errorCode).toBe(0);
  });
  afterAll(async () => {
    conn?.close();
    await broker?.close();
  });

  it('ListOffsets v0 answers old_style_offsets, at most max_num_offsets of them', async () => {
    const ask = (timestamp: number, maxNumOffsets: number) =>
      conn.request(ListOffsets, 0, {replicaId: -1, topics: [{name: 'old', partitions: [{partitionIndex: 0, timestamp, maxNumOffsets}]}]});
    expect((await ask(-1, 1)).topics[0].partitions[0]).toMatchObject({errorCode: 0, oldStyleOffsets: [3]});
    expect((await ask(-2, 1)).topics[0].partitions[0]).toMatchObject({errorCode: 0, oldStyleOffsets: [0]});
    expect((await ask(-1, 0)).topics[0].partitions[0].oldStyleOffsets).toEqual([]);
  });

  it('Fetch v0 returns the records and the high watermark', async () => {
    const r = await conn.request(Fetch, 0, {replicaId: -1, maxWaitMs: 0, minBytes: 1, topics: [{topic: 'old', partitions: [{partition: 0, fetchOffset: 1, partitionMaxBytes: 1 << 20}]}]});
    const p = r.responses[0].partitions[0];
    expect(p).toMatchObject({errorCode: 0, highWatermark: 3});
    const values = (await decodeBatches(p.records)).flatMap((b) => b.records).filter((rec) => rec.offset >= 1).map((rec) => rec.value!.toString());
    expect(values).toEqual(['b', 'c']);
  });

  it('OffsetCommit v0 and v1 commit, OffsetFetch v0 reads back', async () => {
    const commit = (version: number, offset: number) =>
      conn.request(OffsetCommit, version, {groupId: 'ancient', generationIdOrMemberEpoch: -1, memberId: '', topics: [{name: 'old', partitions: [{partitionIndex: 0, committedOffset: offset, commitTimestamp: -1, committedMetadata: 'v' + version}]}]});
    expect((await commit(0, 1)).topics[0].partitions[0].errorCode).toBe(0);
    const fetched = async () => (await conn.request(OffsetFetch, 0, {groupId: 'ancient', topics: [{name: 'old', partitionIndexes: [0]}]})).topics[0].partitions[0];
    expect(await fetched()).toMatchObject({committedOffset: 1, metadata: 'v0', errorCode: 0});
    expect((await commit(1, 2)).topics[0].partitions[0].errorCode).toBe(0);
    expect(await fetched()).toMatchObject({committedOffset: 2, metadata: 'v1', errorCode: 0});
  });
});
