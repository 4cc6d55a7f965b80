// The records of Kafka's internal `__consumer_offsets` topic (group-coordinator OffsetCommitKey/Value,
// GroupMetadataKey/Value): an int16 version, then the struct of that version. Tools such as Burrow
// and `kcat -C -t __consumer_offsets` decode these bytes, so they must be Kafka's exactly.
import {decode, encode} from './codec.js';
import {Reader} from './reader.js';
import {type MessageSchema, array, field} from './schema.js';
import {Writer} from './writer.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

const OffsetCommitKey: MessageSchema = {
  versions: '0-1',
  flexibleVersions: 'none',
  fields: [field('group', 'string'), field('topic', 'string'), field('partition', 'int32')],
};

const OffsetCommitValue: MessageSchema = {
  versions: '0-4',
  flexibleVersions: '4+',
  fields: [
    field('offset', 'int64'),
    field('leaderEpoch', 'int32', '3+', {default: -1}),
    field('metadata', 'string'),
    field('commitTimestamp', 'int64'),
    field('expireTimestamp', 'int64', '1', {default: -1}),
  ],
};

const GroupMetadataKey: MessageSchema = {
  versions: '2',
  flexibleVersions: 'none',
  fields: [field('group', 'string', '2')],
};

const GroupMetadataValue: MessageSchema = {
  versions: '0-4',
  flexibleVersions: '4+',
  fields: [
    field('protocolType', 'string'),
    field('generation', 'int32'),
    field('protocol', 'string', '0+', {nullableVersions: '0+'}),
    field('leader', 'string', '0+', {nullableVersions: '0+'}),
    field('currentStateTimestamp', 'int64', '2+', {default: -1}),
    array('members', [
      field('memberId', 'string'),
      field('groupInstanceId', 'string', '3+', {nullableVersions: '3+', default: null}),
      field('clientId', 'string'),
      field('clientHost', 'string'),
      field('rebalanceTimeout', 'int32', '1+', {default: -1}),
      field('sessionTimeout', 'int32'),
      field('subscription', 'bytes'),
      field('assignment', 'bytes'),
    ]),
  ],
};

/** What Kafka 3.x writes: key version 1, value version 3 (leader epoch, no expire timestamp). */
const OFFSET_KEY_VERSION = 1;
const OFFSET_VALUE_VERSION = 3;
const GROUP_KEY_VERSION = 2;
const GROUP_VALUE_VERSION = 3;

export interface OffsetCommitValueData {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export interface GroupMetadataMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValueData {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: number;
  members: GroupMetadataMember[];
}

export type ConsumerOffsetsKey = {type: 'offset'; group: string; topic: string; partition: number} | {type: 'group'; group: string};

function versioned(schema: MessageSchema, version: number, value: Record<string, unknown>): Buffer {
  const w = new Writer().int16(version);
  return encode(schema, version, value, w).toBuffer();
}

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return versioned(OffsetCommitKey, OFFSET_KEY_VERSION, {group, topic, partition});
}

export function offsetCommitValue(v: OffsetCommitValueData): Buffer {
  return versioned(OffsetCommitValue, OFFSET_VALUE_VERSION, {...v});
}

export function groupMetadataKey(group: string): Buffer {
  return versioned(GroupMetadataKey, GROUP_KEY_VERSION, {group});
}

export function groupMetadataValue(v: GroupMetadataValueData): Buffer {
  return versioned(GroupMetadataValue, GROUP_VALUE_VERSION, {...v});
}

/** Key versions 0-1 are offset commits, 2 group metadata; anything else is not ours to read (undefined). */
export function decodeConsumerOffsetsKey(buf: Buffer): ConsumerOffsetsKey | undefined {
  const r = new Reader(buf);
  const version = r.int16();
  if (version === 0 || version === 1) {
    const k = decode(OffsetCommitKey, version, r);
    return {type: 'offset', group: k.group, topic: k.topic, partition: k.partition};
  }
  if (version === GROUP_KEY_VERSION) return {type: 'group', group: decode(GroupMetadataKey, version, r).group};
  return undefined;
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValueData {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 4) throw new Error(`unknown OffsetCommitValue version ${version}`);
  const v = decode(OffsetCommitValue, version, r);
  return {offset: Number(v.offset), leaderEpoch: v.leaderEpoch ?? -1, metadata: v.metadata, commitTimestamp: Number(v.commitTimestamp)};
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValueData {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 4) throw new Error(`unknown GroupMetadataValue version ${version}`);
  return decode(GroupMetadataValue, version, r) as GroupMetadataValueData;
}

/** Kafka's partitionFor: Utils.abs(groupId.hashCode) % partitions (abs of MIN_VALUE is 0). */
export function offsetsPartitionFor(groupId: string, partitions: number): number {
  let h = 0;
  for (let i = 0; i < groupId.length; i++) h = (Math.imul(31, h) + groupId.charCodeAt(i)) | 0;
  return (h === -0x80000000 ? 0 : Math.abs(h)) % partitions;
}
