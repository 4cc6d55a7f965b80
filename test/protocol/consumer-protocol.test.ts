import kafkajs from 'kafkajs';
import {describe, expect, it} from 'vitest';
import {decodeSubscription, encodeAssignment, encodeSubscription} from '../../src/protocol/consumer-protocol.js';
import {Writer} from '../../src/protocol/writer.js';

describe('consumer protocol subscription and assignment', () => {
  it('round-trips a v2 subscription with owned partitions and generation', () => {
    const buf = encodeSubscription({topics: ['t'], ownedPartitions: [{topic: 't', partitions: [0, 2]}], generationId: 7});
    expect(decodeSubscription(buf)).toEqual({version: 2, topics: ['t'], userData: null, ownedPartitions: [{topic: 't', partitions: [0, 2]}], generationId: 7});
  });

  it('writes the bytes Kafka does (version, topics, null user data, owned partitions, generation)', () => {
    const expected = new Writer().int16(2).int32(1).int16(1).raw(Buffer.from('t')).int32(-1).int32(1).int16(1).raw(Buffer.from('t')).int32(2).int32(0).int32(2).int32(7).toBuffer();
    expect(encodeSubscription({topics: ['t'], ownedPartitions: [{topic: 't', partitions: [0, 2]}], generationId: 7})).toEqual(expected);
  });

  it('reads a kafkajs v0 subscription, and clients that only know v0 read ours', () => {
    const v0 = kafkajs.AssignerProtocol.MemberMetadata.encode({version: 0, topics: ['a', 'b'], userData: Buffer.alloc(0)});
    expect(decodeSubscription(v0)).toMatchObject({version: 0, topics: ['a', 'b'], ownedPartitions: [], generationId: -1});
    const ours = encodeSubscription({topics: ['t'], ownedPartitions: [{topic: 't', partitions: [1]}], generationId: 3});
    expect(kafkajs.AssignerProtocol.MemberMetadata.decode(ours)).toMatchObject({version: 2, topics: ['t']});
  });

  it('an assignment kafkajs decodes', () => {
    expect(kafkajs.AssignerProtocol.MemberAssignment.decode(encodeAssignment([{topic: 't', partitions: [3, 4]}]))).toMatchObject({version: 0, assignment: {t: [3, 4]}});
  });
});
