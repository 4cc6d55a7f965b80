import {describe, expect, it} from 'vitest';
import {
  decodeConsumerOffsetsKey,
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  groupMetadataKey,
  groupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
  offsetsPartitionFor,
} from '../../src/protocol/consumer-offsets.js';

const str = (s: string) => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);
const i16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const i64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};

describe('__consumer_offsets records (Kafka group-coordinator formats)', () => {
  it('writes OffsetCommitKey v1 and OffsetCommitValue v3 byte for byte as Kafka 3.x', () => {
    expect(offsetCommitKey('g', 'orders', 7)).toEqual(Buffer.concat([i16(1), str('g'), str('orders'), i32(7)]));
    expect(offsetCommitValue({offset: 8372, leaderEpoch: 4, metadata: 'meta', commitTimestamp: 1_700_000_000_123})).toEqual(
      Buffer.concat([i16(3), i64(8372), i32(4), str('meta'), i64(1_700_000_000_123)]),
    );
  });

  it('writes GroupMetadataKey v2 and GroupMetadataValue v3', () => {
    expect(groupMetadataKey('g')).toEqual(Buffer.concat([i16(2), str('g')]));
    const value = groupMetadataValue({protocolType: 'consumer', generation: 3, protocol: 'range', leader: null, currentStateTimestamp: 5, members: []});
    expect(value).toEqual(Buffer.concat([i16(3), str('consumer'), i32(3), str('range'), i16(-1), i64(5), i32(0)]));
  });

  it('reads back every key and value version Kafka wrote over the years', () => {
    expect(decodeConsumerOffsetsKey(Buffer.concat([i16(0), str('g'), str('t'), i32(2)]))).toEqual({type: 'offset', group: 'g', topic: 't', partition: 2});
    expect(decodeConsumerOffsetsKey(groupMetadataKey('g'))).toEqual({type: 'group', group: 'g'});
    // v1 (Kafka 0.10-2.0) carries an expire timestamp, v0 nothing but offset, metadata, time.
    expect(decodeOffsetCommitValue(Buffer.concat([i16(1), i64(10), str(''), i64(20), i64(30)]))).toEqual({offset: 10, leaderEpoch: -1, metadata: '', commitTimestamp: 20});
    expect(decodeOffsetCommitValue(Buffer.concat([i16(0), i64(11), str('x'), i64(21)]))).toEqual({offset: 11, leaderEpoch: -1, metadata: 'x', commitTimestamp: 21});
    const member = {memberId: 'm', groupInstanceId: null, clientId: 'c', clientHost: '/h', rebalanceTimeout: 100, sessionTimeout: 10, subscription: Buffer.from([1]), assignment: Buffer.from([2])};
    const back = decodeGroupMetadataValue(groupMetadataValue({protocolType: 'consumer', generation: 1, protocol: 'range', leader: 'm', currentStateTimestamp: 9, members: [member]}));
    expect(back).toMatchObject({protocolType: 'consumer', generation: 1, protocol: 'range', leader: 'm', members: [{memberId: 'm', clientHost: '/h', sessionTimeout: 10}]});
  });

  it("places groups as Kafka does: Utils.abs(String.hashCode) % partitions (values from Java 17)", () => {
    // Java: "burrow-lag".hashCode() = -599959616, "my-group" = -1906497762, "polygenelubricants" = Integer.MIN_VALUE.
    expect(offsetsPartitionFor('burrow-lag', 50)).toBe(16);
    expect(offsetsPartitionFor('my-group', 50)).toBe(12);
    expect(offsetsPartitionFor('grp1', 50)).toBe(48);
    expect(offsetsPartitionFor('polygenelubricants', 50)).toBe(0);
  });
});
