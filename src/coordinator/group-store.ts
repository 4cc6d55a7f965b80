import fs from 'node:fs';
import path from 'node:path';
import type {GroupMetadataMember} from '../protocol/consumer-offsets.js';

/**
 * Durable state of the group coordinator: committed offsets and the group metadata (generation,
 * protocol, members and assignments, as Kafka records them). Members are not loaded back: after a
 * restart every group comes back Empty and its members rejoin, as after a Kafka coordinator
 * failover.
 */
export interface StoredOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export interface StoredGroup {
  groupId: string;
  protocolType: string | null;
  protocolName: string | null;
  generationId: number;
  /** The members and their assignments, as Kafka records them (tools such as Burrow show owners). */
  leader?: string | null;
  members?: GroupMetadataMember[];
}

/** A producer's transaction, as written with its TxnOffsetCommit records. */
export interface TxnProducer {
  producerId: number;
  producerEpoch: number;
}

export interface GroupStoreState {
  groups: StoredGroup[];
  offsets: Array<StoredOffset & {groupId: string}>;
  /** Offsets of transactions with no marker yet: they become committed (or vanish) with it. */
  pendingTxnOffsets?: Array<StoredOffset & {groupId: string; producerId: number}>;
}

export interface GroupStore {
  /** Reads everything back. Called once, before any write. */
  load(): GroupStoreState;
  /** Durable when it returns (survives kill -9): a commit is acknowledged only after this. */
  appendOffsets(groupId: string, offsets: StoredOffset[], txn?: TxnProducer): void;
  /** Offsets written with appendOffsets(…, txn) whose transaction committed. */
  committedTransactionally?(groupId: string, offsets: StoredOffset[]): void;
  saveGroup(group: StoredGroup): void;
  /** Forgets the group and all its offsets. */
  deleteGroup(groupId: string): void;
  /** Forgets every group's offsets for a deleted topic. */
  deleteTopicOffsets(topic: string): void;
  close(): void;
}

/** Live state, keyed: what the memory store keeps and what replaying an old group log rebuilds. */
class LiveState {
  readonly groups = new Map<string, StoredGroup>();
  readonly offsets = new Map<string, Map<string, StoredOffset>>();

  apply(rec: LogRecord): void {
    switch (rec.type) {
      case 'offsets': {
        let m = this.offsets.get(rec.group);
        if (!m) this.offsets.set(rec.group, (m = new Map()));
        for (const o of rec.offsets) m.set(`${o.topic}\u0000${o.partition}`, o);
        break;
      }
      case 'group':
        this.groups.set(rec.group.groupId, rec.group);
        break;
      case 'delete-group':
        this.groups.delete(rec.group);
        this.offsets.delete(rec.group);
        break;
      case 'delete-topic':
        for (const m of this.offsets.values()) {
          for (const [k, o] of m) if (o.topic === rec.topic) m.delete(k);
        }
        break;
    }
  }

  snapshot(): GroupStoreState {
    const offsets: GroupStoreState['offsets'] = [];
    for (const [groupId, m] of this.offsets) for (const o of m.values()) offsets.push({groupId, ...o});
    return {groups: [...this.groups.values()], offsets};
  }
}

type LogRecord =
  | {type: 'offsets'; group: string; offsets: StoredOffset[]}
  | {type: 'group'; group: StoredGroup}
  | {type: 'delete-group'; group: string}
  | {type: 'delete-topic'; topic: string};

/** Keeps everything in memory: for unit tests and brokers run without a data directory. */
export class MemoryGroupStore implements GroupStore {
  private readonly live = new LiveState();

  load(): GroupStoreState {
    return this.live.snapshot();
  }
  appendOffsets(group: string, offsets: StoredOffset[]): void {
    this.live.apply({type: 'offsets', group, offsets: offsets.map((o) => ({...o}))});
  }
  saveGroup(group: StoredGroup): void {
    this.live.apply({type: 'group', group: {...group}});
  }
  deleteGroup(group: string): void {
    this.live.apply({type: 'delete-group', group});
  }
  deleteTopicOffsets(topic: string): void {
    this.live.apply({type: 'delete-topic', topic});
  }
  close(): void {}
}

export const GROUP_LOG_FILE = 'groups.log';

/**
 * The group log of earlier versions (`<dataDir>/__consumer_offsets/groups.log`, JSON lines), read
 * once to move its groups into the __consumer_offsets topic; `done()` renames it so it is not read
 * again. A torn last line (a crash mid-write, never acknowledged) and unreadable lines are skipped.
 */
export function readLegacyGroupLog(dataDir: string): {file: string; state: GroupStoreState; done(): void} | undefined {
  const file = path.join(dataDir, '__consumer_offsets', GROUP_LOG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const live = new LiveState();
  for (const line of text.slice(0, text.lastIndexOf('\n') + 1).split('\n')) {
    if (line.trim() === '') continue;
    try {
      live.apply(JSON.parse(line) as LogRecord);
    } catch {
      // unreadable: skipped, as the old store did on load
    }
  }
  return {file, state: live.snapshot(), done: () => fs.renameSync(file, `${file}.migrated`)};
}
