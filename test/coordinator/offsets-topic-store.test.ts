import {describe, expect, it} from 'vitest';
import {ensureOffsetsTopic} from '../../src/broker/internal-topics.js';
import {decodeConsumerOffsetsKey, OFFSETS_TOPIC, offsetsPartitionFor} from '../../src/protocol/consumer-offsets.js';
import {decodeBatches} from '../../src/protocol/records/records.js';
import {startBroker} from '../helpers/broker.js';

const commit = (groupId: string, topic: string, partition: number, offset: number) => ({groupId, memberId: '', generationId: -1, offsets: [{topic, partition, offset}]});

describe('groups kept in __consumer_offsets', () => {
  it('a deleted group and the offsets of a deleted topic leave tombstones, and a restart reads the topic as they left it', async () => {
    const first = await startBroker();
    const {broker, dataDir} = first;
    await broker.createTopic('gone', 1, {});
    await broker.createTopic('stays', 1, {});
    // Created on first use, as FindCoordinator does.
    await ensureOffsetsTopic(broker);
    expect(broker.groups.commitOffsets(commit('keeper', 'gone', 0, 5))[0]!.errorCode).toBe(0);
    expect(broker.groups.commitOffsets(commit('keeper', 'stays', 0, 6))[0]!.errorCode).toBe(0);
    expect(broker.groups.commitOffsets(commit('leaver', 'stays', 0, 7))[0]!.errorCode).toBe(0);
    expect(broker.groups.deleteGroups(['leaver'])).toEqual([{groupId: 'leaver', errorCode: 0}]);
    await broker.deleteTopic('gone');

    // The leaver's partition ends with null values for its offset and its group metadata.
    const log = broker.logs.partition(OFFSETS_TOPIC, offsetsPartitionFor('leaver', 50))!;
    const records = (await decodeBatches(Buffer.concat(log.read(0, 1 << 20) as Buffer[]))).flatMap((b) => b.records);
    const tombstones = records.filter((r) => r.value === null).map((r) => decodeConsumerOffsetsKey(r.key!));
    expect(tombstones).toEqual(expect.arrayContaining([{type: 'offset', group: 'leaver', topic: 'stays', partition: 0}, {type: 'group', group: 'leaver'}]));
    await broker.close();

    const second = await startBroker({dataDir});
    const groups = second.broker.groups;
    expect(groups.listGroups().map((g) => g.groupId)).toEqual(['keeper']);
    expect(groups.fetchOffsets('keeper', null).offsets).toEqual([expect.objectContaining({topic: 'stays', partition: 0, offset: 6})]);
    await second.broker.close();
  });
});
