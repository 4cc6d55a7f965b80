import fs from 'node:fs';
import path from 'node:path';
import {appendWhole, diskIo, writeFileAtomic} from '../lib/fs.js';
import type {GroupMetadataMember} from '../protocol/consumer-offsets.js';

/**
 * Durable state of the group coordinator: committed offsets and the little group metadata that
 * outlives a restart (generation and protocol type). Members are deliberately not stored: after a
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

export interface GroupStoreState {
  groups: StoredGroup[];
  offsets: Array<StoredOffset & {groupId: string}>;
}

export interface GroupStore {
  /** Reads everything back. Called once, before any write. */
  load(): GroupStoreState;
  /** Durable when it returns (survives kill -9): a commit is acknowledged only after this. */
  appendOffsets(groupId: string, offsets: StoredOffset[]): void;
  saveGroup(group: StoredGroup): void;
  /** Forgets the group and all its offsets. */
  deleteGroup(groupId: string): void;
  /** Forgets every group's offsets for a deleted topic. */
  deleteTopicOffsets(topic: string): void;
  close(): void;
}

/** Live state, keyed so that replaying the log and compacting it share one model. */
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

  /** The shortest log that rebuilds this state: one line per group, one per group's offsets. */
  *records(): Iterable<LogRecord> {
    for (const group of this.groups.values()) yield {type: 'group', group};
    for (const [group, m] of this.offsets) if (m.size > 0) yield {type: 'offsets', group, offsets: [...m.values()]};
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

export interface FileGroupStoreOptions {
  /** Compact once the log is at least this big... (default 16 MiB) */
  compactMinBytes?: number;
  /** ...and at least this many times the size of the live state written at the last compaction. */
  compactRatio?: number;
  /**
   * fsync after every write. Off by default: writeSync already survives kill -9 (the page cache
   * belongs to the kernel); fsync only adds protection against power loss.
   */
  fsync?: boolean;
}

export const GROUP_LOG_FILE = 'groups.log';

/**
 * The group log of earlier versions (`<dataDir>/__consumer_offsets/groups.log`), read once to move
 * its groups into the __consumer_offsets topic; `done()` renames it so it is not read again.
 */
export function readLegacyGroupLog(dataDir: string): {file: string; state: GroupStoreState; done(): void} | undefined {
  const dir = path.join(dataDir, '__consumer_offsets');
  const file = path.join(dir, GROUP_LOG_FILE);
  if (!fs.existsSync(file)) return undefined;
  const store = new FileGroupStore(dir);
  const state = store.load();
  store.close();
  return {file, state, done: () => fs.renameSync(file, `${file}.migrated`)};
}

/**
 * Append-only JSON-lines log in `dir` (e.g. `<dataDir>/__consumer_offsets/`). Each call is one
 * line written with one writeSync, so a commit is either wholly in the file or (torn by a crash
 * mid-write) dropped on load; the caller had not been answered in that case. Compaction rewrites
 * the live state to a temp file and renames it over the log, which is atomic.
 */
export class FileGroupStore implements GroupStore {
  readonly file: string;
  private fd: number | null = null;
  private fileBytes = 0;
  private liveBytes = 0;
  private readonly live = new LiveState();
  private readonly compactMinBytes: number;
  private readonly compactRatio: number;
  private readonly fsync: boolean;
  /** Lines skipped on load because they were unreadable (torn tail or corruption). */
  skippedLines = 0;

  constructor(readonly dir: string, opts: FileGroupStoreOptions = {}) {
    this.file = path.join(dir, GROUP_LOG_FILE);
    this.compactMinBytes = opts.compactMinBytes ?? 16 * 1024 * 1024;
    this.compactRatio = opts.compactRatio ?? 2;
    this.fsync = opts.fsync ?? false;
  }

  load(): GroupStoreState {
    fs.mkdirSync(this.dir, {recursive: true});
    // A leftover temp file is a compaction killed before its rename: the old log is still whole.
    fs.rmSync(this.file + '.tmp', {force: true});
    let data = Buffer.alloc(0);
    try {
      data = fs.readFileSync(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // Everything after the last newline is a write torn by a crash: cut it off so the next
    // append does not glue itself to the fragment.
    const end = data.lastIndexOf(0x0a) + 1;
    if (end < data.length) this.skippedLines++;
    let start = 0;
    while (start < end) {
      const nl = data.indexOf(0x0a, start);
      const line = data.toString('utf8', start, nl);
      start = nl + 1;
      if (line.trim() === '') continue;
      let rec: LogRecord;
      try {
        rec = JSON.parse(line) as LogRecord;
      } catch {
        this.skippedLines++;
        continue;
      }
      this.live.apply(rec);
    }
    this.fd = fs.openSync(this.file, fs.constants.O_WRONLY | fs.constants.O_CREAT);
    if (end < data.length) fs.ftruncateSync(this.fd, end);
    this.fileBytes = end;
    this.liveBytes = end;
    if (this.shouldCompact()) this.compact();
    return this.live.snapshot();
  }

  appendOffsets(group: string, offsets: StoredOffset[]): void {
    this.append({type: 'offsets', group, offsets});
  }

  saveGroup(group: StoredGroup): void {
    this.append({type: 'group', group});
  }

  deleteGroup(group: string): void {
    this.append({type: 'delete-group', group});
  }

  deleteTopicOffsets(topic: string): void {
    this.append({type: 'delete-topic', topic});
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  /**
   * Rewrites the log as the live state. Public for tests and for an admin "compact now".
   * Atomic (temp file, rename): on a full disk the old log stays as it was.
   */
  compact(): void {
    const fd = this.requireFd();
    const body = Buffer.concat([...this.live.records()].map((rec) => Buffer.from(JSON.stringify(rec) + '\n')));
    writeFileAtomic(this.file, body);
    fs.closeSync(fd);
    this.fd = fs.openSync(this.file, fs.constants.O_WRONLY);
    this.fileBytes = body.length;
    this.liveBytes = body.length;
  }

  /** Current size of the log file in bytes. */
  get size(): number {
    return this.fileBytes;
  }

  /** One line, whole or not at all: a line cut short by a full disk is cut off again and throws. */
  private append(rec: LogRecord): void {
    const fd = this.requireFd();
    const line = Buffer.from(JSON.stringify(rec) + '\n');
    appendWhole(fd, line, this.fileBytes);
    this.fileBytes += line.length;
    if (this.fsync) diskIo.fsync(fd);
    this.live.apply(rec);
    if (this.shouldCompact()) this.compactIfRoom();
  }

  /** The record is already durable: a compaction the disk has no room for waits for a later append. */
  private compactIfRoom(): void {
    try {
      this.compact();
    } catch {
      // The log keeps growing by the records alone; try again once it has doubled once more.
      this.liveBytes = this.fileBytes;
    }
  }

  private shouldCompact(): boolean {
    return this.fileBytes >= this.compactMinBytes && this.fileBytes >= this.compactRatio * this.liveBytes;
  }

  private requireFd(): number {
    if (this.fd === null) throw new Error(`group store ${this.file} is not open: call load() first`);
    return this.fd;
  }
}
