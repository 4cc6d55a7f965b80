import fs from 'node:fs';
import path from 'node:path';
import {UserError, errorMessage} from '../lib/errors.js';
import {writeFileAtomic} from '../lib/fs.js';
import {StorageError, storageFailure} from './errors.js';
import {type CleanablePartition, LogCleaner, type LogCleanerConfig} from './log-cleaner.js';
import {DELETED_DIR_SUFFIX, PartitionLog, type PartitionLogOptions} from './partition-log.js';
import {type BrokerTopicDefaults, KAFKA_TOPIC_DEFAULTS, validateTopicConfig, type TopicConfig} from './topic-config.js';

/**
 * Owns a data directory: topic metadata in `__topics/<topic>.json` (the commit point of every
 * topic change, written atomically) and one PartitionLog per `<topic>-<partition>` directory.
 */

export interface TopicInfo {
  name: string;
  /** Topic id (UUID) for Metadata v10+; stable across restarts. */
  id: string;
  partitions: number;
  /** Exactly what the user set; DescribeConfigs reports these as source "topic". */
  overrides: Record<string, string>;
  /** The broker's defaults with the overrides applied. */
  config: TopicConfig;
}

export interface LogManagerOptions extends PartitionLogOptions {
  /** What topics that do not set a config get (server.properties' log.retention.hours, message.max.bytes, ...). */
  topicDefaults?: BrokerTopicDefaults;
}

interface TopicState {
  info: TopicInfo;
  logs: PartitionLog[];
}

const META_DIR = '__topics';
/** `<topic>-<partition>`: the directory of one partition log... */
const PARTITION_DIR = /^(.+)-(\d+)$/;
/** ...which holds segments, the log start checkpoint, producer state, and temp files of these. */
const PARTITION_FILE = /^(\d{20}\.(log|index|timeindex)|log-start-offset|producer-state\.snapshot)(\.tmp)?$/;
const MAX_TOPIC_NAME = 249;
const DEFAULT_RETENTION_CHECK_MS = 5 * 60_000;
/** Each partition holds open file handles; a bound keeps one request from exhausting them. */
export const MAX_PARTITIONS_PER_TOPIC = 1000;

function checkPartitionCount(total: number): void {
  if (total > MAX_PARTITIONS_PER_TOPIC) {
    throw new StorageError('INVALID_PARTITIONS', `${total} partitions is more than this broker allows per topic (${MAX_PARTITIONS_PER_TOPIC}).`, `use at most ${MAX_PARTITIONS_PER_TOPIC} partitions`);
  }
}

export class LogManager {
  private readonly topicsByName = new Map<string, TopicState>();
  private retentionTimer: NodeJS.Timeout | undefined;
  private cleaner: LogCleaner | undefined;

  /** The broker-wide topic defaults every topic's config is resolved over. */
  readonly topicDefaults: BrokerTopicDefaults;

  private constructor(
    readonly dataDir: string,
    private readonly options: PartitionLogOptions,
    topicDefaults: BrokerTopicDefaults,
  ) {
    this.topicDefaults = topicDefaults;
  }

  static open(dataDir: string, {topicDefaults = KAFKA_TOPIC_DEFAULTS, ...options}: LogManagerOptions = {}): LogManager {
    const mgr = new LogManager(dataDir, options, topicDefaults);
    const metaDir = path.join(dataDir, META_DIR);
    fs.mkdirSync(metaDir, {recursive: true});
    for (const file of fs.readdirSync(metaDir).sort()) {
      const full = path.join(metaDir, file);
      if (file.endsWith('.tmp')) fs.rmSync(full, {force: true});
      if (!file.endsWith('.json')) continue;
      const info = loadTopicFile(full, topicDefaults);
      const logs = Array.from({length: info.partitions}, (_, p) => mgr.openPartition(info, p));
      mgr.topicsByName.set(info.name, {info, logs});
    }
    mgr.removeLeftoverPartitions();
    return mgr;
  }

  topics(): TopicInfo[] {
    return [...this.topicsByName.values()].map((t) => t.info).sort((a, b) => a.name.localeCompare(b.name));
  }

  topic(name: string): TopicInfo | undefined {
    return this.topicsByName.get(name)?.info;
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.topicsByName.get(topic)?.logs[index];
  }

  /** Every check createTopic makes, without creating anything (CreateTopics validate_only). */
  validateNewTopic(name: string, partitions: number, overrides: Record<string, string> = {}): TopicConfig {
    validateTopicName(name);
    if (this.topicsByName.has(name)) throw new StorageError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`);
    // Kafka's metric names map '.' to '_', so such names would collide there.
    const collision = [...this.topicsByName.keys()].find((t) => t.replaceAll('.', '_') === name.replaceAll('.', '_'));
    if (collision) {
      throw new StorageError('INVALID_TOPIC_EXCEPTION', `Topic '${name}' collides with existing topic: ${collision}`, "topics that differ only in '.' and '_' cannot coexist; pick another name");
    }
    if (!Number.isSafeInteger(partitions) || partitions < 1) {
      throw new StorageError('INVALID_PARTITIONS', `Number of partitions must be larger than 0 (got ${partitions}).`, 'use --partitions 1 or more');
    }
    checkPartitionCount(partitions);
    return this.resolveConfig(overrides);
  }

  /** Validates overrides and resolves them over this broker's topic defaults (AlterConfigs validate_only too). */
  resolveConfig(overrides: Record<string, string>): TopicConfig {
    return validateTopicConfig(overrides, this.topicDefaults);
  }

  /** `id`: the topic id the cluster gave it (a new one otherwise). */
  createTopic(name: string, partitions: number, overrides: Record<string, string> = {}, id: string = crypto.randomUUID()): TopicInfo {
    const config = this.validateNewTopic(name, partitions, overrides);
    const info: TopicInfo = {name, id, partitions, overrides: {...overrides}, config};
    // Logs first, metadata last: a crash in between leaves only directories that the next
    // create of this name wipes.
    const logs = Array.from({length: partitions}, (_, p) => this.openPartition(info, p, true));
    this.writeTopicFileOrDrop(info, logs);
    this.topicsByName.set(name, {info, logs});
    return info;
  }

  deleteTopic(name: string): void {
    const t = this.mustGet(name);
    // Metadata first: once it is gone the topic is gone, even if removing its data is interrupted.
    fs.rmSync(this.topicFile(name), {force: true});
    this.topicsByName.delete(name);
    for (const log of t.logs) log.delete();
  }

  addPartitions(name: string, total: number): TopicInfo {
    const t = this.mustGet(name);
    if (!Number.isSafeInteger(total) || total <= t.info.partitions) {
      throw new StorageError(
        'INVALID_PARTITIONS',
        `Topic currently has ${t.info.partitions} partitions, which is higher than or equal to the requested ${total}.`,
        `ask for more than ${t.info.partitions} partitions; Kafka cannot remove partitions`,
      );
    }
    checkPartitionCount(total);
    const info = {...t.info, partitions: total};
    const added = Array.from({length: total - t.info.partitions}, (_, i) => this.openPartition(info, t.info.partitions + i, true));
    this.writeTopicFileOrDrop(info, added);
    t.info = info;
    t.logs.push(...added);
    return info;
  }

  /** Replaces the topic's overrides as a whole (AlterConfigs semantics), after validating them. */
  alterConfig(name: string, overrides: Record<string, string>): TopicInfo {
    const t = this.mustGet(name);
    const config = this.resolveConfig(overrides);
    const info = {...t.info, overrides: {...overrides}, config};
    this.writeTopicFile(info);
    t.info = info;
    for (const log of t.logs) log.updateConfig(config);
    return info;
  }

  /** The cluster's id for a topic this broker created with another (before it adopted ZooKeeper's). */
  adoptTopicId(name: string, id: string): void {
    const t = this.mustGet(name);
    const info = {...t.info, id};
    this.writeTopicFile(info);
    t.info = info;
  }

  /** One retention pass over every partition; errors are reported, not thrown, so one bad log cannot stop the others. */
  enforceRetention(now = Date.now()): number {
    let deleted = 0;
    for (const t of this.topicsByName.values()) {
      t.logs.forEach((log, p) => {
        try {
          deleted += log.enforceRetention(now);
        } catch (err) {
          process.stderr.write(`kcollect: retention on ${t.info.name}-${p} failed: ${errorMessage(err)}\n`);
        }
      });
    }
    return deleted;
  }

  startRetention(intervalMs = DEFAULT_RETENTION_CHECK_MS): void {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.retentionTimer = setInterval(() => this.enforceRetention(), intervalMs);
    // Retention must never keep the process alive on its own.
    this.retentionTimer.unref();
  }

  /** log.cleaner.enable: compacts the cleanup.policy=compact topics in the background. */
  startCleaner(config: Partial<LogCleanerConfig> = {}): LogCleaner {
    this.cleaner ??= new LogCleaner(() => this.partitionLogs(), config);
    this.cleaner.start();
    return this.cleaner;
  }

  *partitionLogs(): Generator<CleanablePartition> {
    for (const t of this.topicsByName.values()) {
      for (const [p, log] of t.logs.entries()) yield {name: `${t.info.name}-${p}`, log};
    }
  }

  stop(): void {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.retentionTimer = undefined;
    // A pass under way notices its logs closed at its next read and drops its work.
    void this.cleaner?.stop();
    this.cleaner = undefined;
  }

  close(): void {
    this.stop();
    for (const t of this.topicsByName.values()) for (const log of t.logs) log.close();
    this.topicsByName.clear();
  }

  /**
   * Partition directories a kill -9 left behind: those renamed for deletion (`-delete`), and
   * those of a topic without metadata (a delete killed after its commit point, a create before).
   * Only directories holding nothing but a partition log's files count: anything else someone
   * keeps in the data dir stays.
   */
  private removeLeftoverPartitions(): void {
    for (const entry of fs.readdirSync(this.dataDir, {withFileTypes: true})) {
      if (!entry.isDirectory()) continue;
      const m = PARTITION_DIR.exec(entry.name);
      const orphan = m !== null && !((this.topicsByName.get(m[1])?.info.partitions ?? 0) > Number(m[2]));
      if (!(orphan || entry.name.endsWith(DELETED_DIR_SUFFIX)) || !holdsOnlyLogFiles(path.join(this.dataDir, entry.name))) continue;
      if (orphan) process.stderr.write(`kcollect: removing ${entry.name}: no topic ${m![1]} with that partition is defined in ${META_DIR}/\n`);
      fs.rmSync(path.join(this.dataDir, entry.name), {recursive: true, force: true});
    }
  }

  private mustGet(name: string): TopicState {
    const t = this.topicsByName.get(name);
    if (!t) throw new StorageError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${name} does not exist`, 'list topics with `kcollect topic list`');
    return t;
  }

  private openPartition(info: TopicInfo, p: number, fresh = false): PartitionLog {
    const dir = path.join(this.dataDir, `${info.name}-${p}`);
    if (fresh) fs.rmSync(dir, {recursive: true, force: true});
    return PartitionLog.open(dir, info.config, this.options);
  }

  private topicFile(name: string): string {
    return path.join(this.dataDir, META_DIR, `${name}.json`);
  }

  /** The metadata is the commit point: when the disk refuses it, the new partitions go again. */
  private writeTopicFileOrDrop(info: TopicInfo, created: PartitionLog[]): void {
    try {
      this.writeTopicFile(info);
    } catch (err) {
      for (const log of created) log.delete();
      throw err;
    }
  }

  /**
   * Write, fsync, rename, fsync the directory: the file is either the old or the new version.
   * A full disk is KAFKA_STORAGE_ERROR and changes nothing.
   */
  private writeTopicFile(info: TopicInfo): void {
    const file = this.topicFile(info.name);
    // `<name>.tmp`, not `<name>.json.tmp`: a 249-character name must stay within 255 bytes.
    const tmp = file.replace(/\.json$/, '.tmp');
    const body = JSON.stringify({name: info.name, id: info.id, partitions: info.partitions, config: info.overrides}, null, 2) + '\n';
    try {
      writeFileAtomic(file, body, {tmp});
    } catch (err) {
      throw storageFailure(err, `cannot write the metadata of topic ${info.name}`);
    }
  }
}

/**
 * Kafka's internal topics: the broker creates and writes them itself; clients may neither create
 * nor produce to them, and Metadata marks them is_internal.
 */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state']);

/** CreateTopics and auto-creation: a client may not make an internal topic. */
export function refuseInternalTopic(name: string): void {
  if (INTERNAL_TOPICS.has(name)) throw new StorageError('INVALID_TOPIC_EXCEPTION', `Topic "${name}" is internal to the broker`, 'pick a name that is not one of the internal topics');
}

function holdsOnlyLogFiles(dir: string): boolean {
  return fs.readdirSync(dir, {withFileTypes: true}).every((f) => f.isFile() && PARTITION_FILE.test(f.name));
}

/** Kafka's Topic.validate rules. */
export function validateTopicName(name: string): void {
  const bad = (why: string) => new StorageError('INVALID_TOPIC_EXCEPTION', `Topic name "${name}" is illegal, ${why}`, "use 1-249 characters from a-z, A-Z, 0-9, '.', '_' and '-'");
  if (name.length === 0) throw bad("it can't be empty");
  if (name === '.' || name === '..') throw bad("it can't be '.' or '..'");
  if (name.length > MAX_TOPIC_NAME) throw bad(`it can't be longer than ${MAX_TOPIC_NAME} characters`);
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) throw bad("it contains a character other than ASCII alphanumerics, '.', '_' and '-'");
}

function loadTopicFile(file: string, defaults: BrokerTopicDefaults): TopicInfo {
  let raw: {name?: unknown; id?: unknown; partitions?: unknown; config?: unknown};
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read topic metadata ${file}: ${errorMessage(err)}`, 'restore the file or remove it to drop the topic');
  }
  const {name, id, partitions, config} = raw;
  if (typeof name !== 'string' || typeof id !== 'string' || !Number.isSafeInteger(partitions) || (partitions as number) < 1 || typeof config !== 'object' || config === null) {
    throw new UserError(`topic metadata ${file} is malformed`, 'expected {"name", "id", "partitions", "config"}; restore the file or remove it to drop the topic');
  }
  const overrides = config as Record<string, string>;
  let resolved: TopicConfig;
  try {
    resolved = validateTopicConfig(overrides, defaults);
  } catch (err) {
    throw new UserError(`topic metadata ${file}: ${errorMessage(err)}`, 'fix the "config" entry in that file');
  }
  return {name, id, partitions: partitions as number, overrides, config: resolved};
}
