// The "consumer" embedded protocol: the bytes a consumer group's members put in JoinGroup
// (ConsumerProtocolSubscription, one per assignor offered) and the leader hands back through
// SyncGroup (ConsumerProtocolAssignment). Both start with an int16 version; newer versions only
// append fields, so a version newer than ours is read as the newest we know (as Kafka does).
import {decode, encode} from './codec.js';
import {Reader} from './reader.js';
import {type MessageSchema, array, field} from './schema.js';
import {Writer} from './writer.js';

const TopicPartitions = [field('topic', 'string'), array('partitions', 'int32')];

const ConsumerProtocolSubscription: MessageSchema = {
  versions: '0-3',
  flexibleVersions: 'none',
  fields: [
    array('topics', 'string'),
    field('userData', 'bytes', '0+', {nullableVersions: '0+', default: null}),
    // KIP-429: what the member owns when it joins, so that a cooperative assignor keeps it there.
    array('ownedPartitions', TopicPartitions, '1+'),
    // KIP-792: the generation of that ownership, to tell a stale claim from a current one.
    field('generationId', 'int32', '2+', {default: -1}),
    field('rackId', 'string', '3+', {nullableVersions: '3+', default: null}),
  ],
};

const ConsumerProtocolAssignment: MessageSchema = {
  versions: '0-3',
  flexibleVersions: 'none',
  fields: [array('assignedPartitions', TopicPartitions), field('userData', 'bytes', '0+', {nullableVersions: '0+', default: null})],
};

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface Subscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
  /** Empty before version 1. */
  ownedPartitions: TopicPartitions[];
  /** -1 before version 2, or when the member owns nothing yet. */
  generationId: number;
}

/** Version 2: topics, owned partitions and their generation (what Kafka's cooperative assignors read). */
export const SUBSCRIPTION_VERSION = 2;

export function encodeSubscription(s: Omit<Subscription, 'version' | 'userData'> & {version?: number; userData?: Buffer | null}): Buffer {
  const version = s.version ?? SUBSCRIPTION_VERSION;
  return encode(ConsumerProtocolSubscription, version, {userData: null, ...s}, new Writer().int16(version)).toBuffer();
}

export function decodeSubscription(buf: Buffer): Subscription {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0) throw new Error(`unknown ConsumerProtocolSubscription version ${version}`);
  const v = decode(ConsumerProtocolSubscription, Math.min(version, 3), r);
  return {version, topics: v.topics, userData: v.userData ?? null, ownedPartitions: v.ownedPartitions ?? [], generationId: v.generationId ?? -1};
}

export function encodeAssignment(assigned: TopicPartitions[], version = 0): Buffer {
  return encode(ConsumerProtocolAssignment, version, {assignedPartitions: assigned, userData: null}, new Writer().int16(version)).toBuffer();
}
