import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {WireConnection} from '../../src/client/wire-connection.js';
import {offsetsPartitionFor} from '../../src/protocol/consumer-offsets.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {OffsetCommit} from '../../src/protocol/messages/08-offset-commit.js';
import {OffsetFetch} from '../../src/protocol/messages/09-offset-fetch.js';
import {CreateTopics} from '../../src/protocol/messages/19-create-topics.js';
import {InitProducerId} from '../../src/protocol/messages/22-init-producer-id.js';
import {encodeBatch} from '../../src/protocol/records/records.js';
import {type BrokerProcess, spawnBroker, tempDir} from '../helpers/broker.js';

async function connect(bootstrap: string): Promise<WireConnection> {
  const [host, port] = bootstrap.split(':');
  return WireConnection.connect(host, Number(port));
}

describe('group offsets and producer state after SIGKILL', () => {
  const procs: BrokerProcess[] = [];
  afterAll(() => {
    for (const p of procs) p.proc.kill('SIGKILL');
  });

  it('keeps committed offsets and still recognises a retried batch', async () => {
    const dataDir = tempDir('state-kill');
    const first = await spawnBroker(dataDir);
    procs.push(first);
    let conn = await connect(first.bootstrap);
    const created = await conn.request(CreateTopics, 2, {topics: [{name: 'state', numPartitions: 2, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 5000, validateOnly: false});
    expect(created.topics[0].errorCode).toBe(0);
    const {producerId} = await conn.request(InitProducerId, 1, {transactionalId: null, transactionTimeoutMs: 60000});
    const batch = (seq: number) => encodeBatch([{key: 'k', value: `s${seq}`}], {producerId, producerEpoch: 0, baseSequence: seq});
    const produce = async (seq: number) =>
      (await conn.request(Produce, 7, {transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{name: 'state', partitionData: [{index: 0, records: await batch(seq)}]}]})).responses[0].partitionResponses[0];
    for (let seq = 0; seq < 50; seq++) expect(await produce(seq)).toMatchObject({errorCode: 0, baseOffset: seq});
    const commit = await conn.request(OffsetCommit, 2, {groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1, topics: [{name: 'state', partitions: [{partitionIndex: 0, committedOffset: 42, committedMetadata: 'm'}]}]});
    expect(commit.topics[0].partitions[0].errorCode).toBe(0);
    conn.close();

    first.proc.kill('SIGKILL');
    await first.exited;
    // The commit lives in the group's __consumer_offsets partition, nowhere else.
    expect(fs.existsSync(path.join(dataDir, '__consumer_offsets', 'groups.log'))).toBe(false);
    expect(fs.statSync(path.join(dataDir, `__consumer_offsets-${offsetsPartitionFor('g', 50)}`)).isDirectory()).toBe(true);
    const second = await spawnBroker(dataDir, {port: Number(first.bootstrap.split(':')[1])});
    procs.push(second);
    conn = await connect(second.bootstrap);
    const fetched = await conn.request(OffsetFetch, 1, {groupId: 'g', topics: [{name: 'state', partitionIndexes: [0, 1]}]});
    expect(fetched.topics[0].partitions).toEqual([
      expect.objectContaining({partitionIndex: 0, committedOffset: 42, metadata: 'm', errorCode: 0}),
      expect.objectContaining({partitionIndex: 1, committedOffset: -1, errorCode: 0}),
    ]);
    // The last batch, retried after the crash, is recognised and answered with its offset.
    expect(await produce(49)).toMatchObject({errorCode: 0, baseOffset: 49});
    expect(await produce(50)).toMatchObject({errorCode: 0, baseOffset: 50});
    conn.close();
  }, 60_000);
});
