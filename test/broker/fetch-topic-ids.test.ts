import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {Fetch} from '../../src/protocol/messages/01-fetch.js';
import {Metadata} from '../../src/protocol/messages/03-metadata.js';
import {decodeBatches, encodeBatch} from '../../src/protocol/records/records.js';
import {startBroker} from '../helpers/broker.js';

// Fetch v13+ names topics by the id Metadata v10+ gives them, as Kafka 3.x clients send it.
describe('Fetch by topic id (v13-16)', () => {
  let broker: Broker;
  let conn: WireConnection;
  let topicId: Buffer;
  beforeAll(async () => {
    ({broker} = await startBroker());
    await broker.createTopic('ids', 1, {});
    conn = await WireConnection.connect(broker.advertised.host, broker.advertised.port);
    const records = await encodeBatch(['a', 'b', 'c'].map((value) => ({value})));
    const r = await conn.request(Produce, 9, {transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{name: 'ids', partitionData: [{index: 0, records}]}]});
    expect(r.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
    const md = await conn.request(Metadata, 12, {topics: [{topicId: Buffer.alloc(16), name: 'ids'}], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false});
    topicId = md.topics[0].topicId;
    expect(topicId.equals(Buffer.alloc(16))).toBe(false);
  });
  afterAll(async () => {
    conn?.close();
    await broker?.close();
  });

  const fetch = (version: number, id: Buffer) =>
    conn.request(Fetch, version, {replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{topicId: id, partitions: [{partition: 0, fetchOffset: 1, partitionMaxBytes: 1 << 20}]}], forgottenTopicsData: [], rackId: ''});

  for (const version of [13, 15, 16]) {
    it(`v${version} returns the records of the topic with that id, and echoes the id (sessionless: session id 0)`, async () => {
      const r = await fetch(version, topicId);
      expect(r).toMatchObject({errorCode: ErrorCode.NONE, sessionId: 0});
      expect(r.responses[0].topicId.equals(topicId)).toBe(true);
      const p = r.responses[0].partitions[0];
      expect(p).toMatchObject({errorCode: ErrorCode.NONE, highWatermark: 3});
      const values = (await decodeBatches(p.records)).flatMap((b) => b.records).filter((rec) => rec.offset >= 1).map((rec) => rec.value!.toString());
      expect(values).toEqual(['b', 'c']);
    });
  }

  it('answers UNKNOWN_TOPIC_ID for an id no topic has', async () => {
    const unknown = Buffer.alloc(16, 7);
    const r = await fetch(13, unknown);
    expect(r.responses[0].topicId.equals(unknown)).toBe(true);
    expect(r.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });
});
