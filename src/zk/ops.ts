import {UserError} from '../lib/errors.js';
import {ZkClient, type ZkCreateMode} from './client.js';
import {describeData, type ZnodeData} from './data.js';
import {ZK_CODES, ZkError, isZkError, zkUserError, type ZkErrorContext} from './errors.js';
import {joinZnodePath, parseConnectString, validateZnodePath, znodeName} from './paths.js';
import type {ZnodeStat} from './stat.js';
import {watchZnodes, type ZnodeWatchEvent} from './watch.js';

/** Session settings of the one-shot znode commands. */
export interface ZkCommandOptions {
  connectString: string;
  connectTimeoutMs?: number;
}

/**
 * Connects, runs fn, closes. Result codes become one-line UserErrors (NONODE, NODEEXISTS,
 * BADVERSION, NOTEMPTY, ...) described in the context of what the user asked for.
 */
export async function withZk<T>(options: ZkCommandOptions, ctx: ZkErrorContext, fn: (zk: ZkClient) => Promise<T>): Promise<T> {
  const zk = await ZkClient.connect(options.connectString, {connectTimeoutMs: options.connectTimeoutMs ?? 5_000, sessionTimeoutMs: 10_000, operationTimeoutMs: 15_000});
  try {
    return await fn(zk);
  } catch (err) {
    if (!isZkError(err)) throw err;
    const c: ZkErrorContext = {...ctx, path: err.path ?? ctx.path, connectString: options.connectString, chroot: zk.chroot};
    if (err.zkName === 'NONODE' && zk.chroot && !(await chrootExists(zk))) {
      throw new UserError(`the chroot ${zk.chroot} of the connect string does not exist`, `create it with \`kcollect zk create ${zk.chroot} -p --zookeeper ${zk.servers.map((s) => `${s.host}:${s.port}`).join(',')}\``);
    }
    try {
      if (err.zkName === 'BADVERSION' && c.path) c.actualVersion = (await zk.exists(c.path))?.version;
      if (err.zkName === 'NOTEMPTY' && c.path) c.children = (await zk.children(c.path)).sort();
    } catch {
      /* best effort: the message works without them */
    }
    throw zkUserError(err, c);
  } finally {
    await zk.close();
  }
}

/** Whether the client's chroot exists, asked through a second session without the chroot. */
async function chrootExists(zk: ZkClient): Promise<boolean> {
  if (!zk.chroot) return true;
  try {
    const root = await ZkClient.connect(zk.servers.map((s) => `${s.host}:${s.port}`).join(','), {connectTimeoutMs: 3_000, sessionTimeoutMs: 10_000});
    try {
      return (await root.exists(zk.chroot)) !== null;
    } finally {
      await root.close();
    }
  } catch {
    return true; // cannot tell: report the original error
  }
}

/** Checks a connect string early, so a typo is reported before any connection attempt. */
export function checkConnectString(connectString: string): void {
  parseConnectString(connectString);
}

// ---------------------------------------------------------------------------------------------
// Walking a subtree

const WALK_CONCURRENCY = 16;

/**
 * Children of every znode under root (root included), level by level with a bounded number of
 * requests in flight. Znodes deleted meanwhile are skipped. The map is in no particular order.
 */
export async function walkTree(zk: ZkClient, root: string, maxDepth = Infinity): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  out.set(root, (await zk.children(root)).sort());
  let level = [root];
  for (let depth = 1; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const parent of level) for (const child of out.get(parent) ?? []) next.push(joinZnodePath(parent, child));
    for (let i = 0; i < next.length; i += WALK_CONCURRENCY) {
      await Promise.all(
        next.slice(i, i + WALK_CONCURRENCY).map(async (p) => {
          if (depth >= maxDepth) return out.set(p, []);
          try {
            out.set(p, (await zk.children(p)).sort());
          } catch (err) {
            if (!isZkError(err, 'NONODE')) throw err;
          }
        }),
      );
    }
    level = next.filter((p) => out.has(p));
  }
  return out;
}

/** Depth-first, children in name order: the order `ls -R` prints. */
function depthFirst(tree: Map<string, string[]>, root: string): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    if (!tree.has(p)) return;
    out.push(p);
    for (const c of tree.get(p)!) visit(joinZnodePath(p, c));
  };
  visit(root);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The commands

export interface ZkLsResult {
  path: string;
  recursive: boolean;
  /** Child names, sorted. */
  children: string[];
  /** With -R: the path and every znode under it, full paths, depth first (as zkCli's ls -R). */
  paths?: string[];
}

export async function zkLs(options: ZkCommandOptions, path: string, opts: {recursive?: boolean} = {}): Promise<ZkLsResult> {
  validateZnodePath(path);
  return withZk(options, {op: 'ls', path}, async (zk) => {
    if (!opts.recursive) return {path, recursive: false, children: (await zk.children(path)).sort()};
    const tree = await walkTree(zk, path);
    return {path, recursive: true, children: tree.get(path) ?? [], paths: depthFirst(tree, path)};
  });
}

export interface ZkGetResult {
  path: string;
  data: ZnodeData;
  stat: ZnodeStat;
}

export async function zkGet(options: ZkCommandOptions, path: string): Promise<ZkGetResult> {
  validateZnodePath(path);
  return withZk(options, {op: 'get', path}, async (zk) => {
    const {data, stat} = await zk.get(path);
    return {path, data: describeData(data), stat};
  });
}

export interface ZkStatResult {
  path: string;
  stat: ZnodeStat;
}

export async function zkStat(options: ZkCommandOptions, path: string): Promise<ZkStatResult> {
  validateZnodePath(path);
  return withZk(options, {op: 'stat', path}, async (zk) => {
    const stat = await zk.exists(path);
    if (!stat) throw new ZkError(ZK_CODES.NONODE, path, 'stat');
    return {path, stat};
  });
}

export interface ZkCreateCommandResult {
  /** The path asked for. */
  requested: string;
  /** The path created (with the sequence suffix when sequential). */
  path: string;
  mode: ZkCreateMode;
  sequential: boolean;
  parentsCreated: string[];
  dataLength: number;
}

export async function zkCreate(
  options: ZkCommandOptions,
  path: string,
  data: Buffer | undefined,
  opts: {ephemeral?: boolean; sequential?: boolean; parents?: boolean} = {},
): Promise<ZkCreateCommandResult> {
  validateZnodePath(path);
  if (path === '/') throw new UserError('/ always exists', 'create something under it, e.g. /app');
  const mode: ZkCreateMode = opts.ephemeral ? 'ephemeral' : 'persistent';
  return withZk(options, {op: 'create', path}, async (zk) => {
    const r = await zk.createEx(path, data, {mode, sequential: opts.sequential, parents: opts.parents});
    return {requested: path, path: r.path, mode, sequential: Boolean(opts.sequential), parentsCreated: r.parentsCreated, dataLength: data?.length ?? 0};
  });
}

export interface ZkSetResult {
  path: string;
  /** The version the write was conditional on, when -v was given. */
  expectedVersion?: number;
  stat: ZnodeStat;
}

export async function zkSet(options: ZkCommandOptions, path: string, data: Buffer, opts: {version?: number} = {}): Promise<ZkSetResult> {
  validateZnodePath(path);
  checkVersion(opts.version);
  return withZk(options, {op: 'set', path, expectedVersion: opts.version}, async (zk) => {
    const stat = await zk.set(path, data, {version: opts.version});
    return {path, expectedVersion: opts.version, stat};
  });
}

function checkVersion(version: number | undefined): void {
  if (version !== undefined && (!Number.isInteger(version) || version < -1 || version > 2 ** 31 - 1)) {
    throw new UserError(`invalid version ${version}`, 'a version is the dataVersion shown by `kcollect zk stat`, a whole number from 0 (or -1 for any)');
  }
}

/** Paths `rm` refuses without --force: the root and the Kafka brokers' registrations. */
export const PROTECTED_PATHS = ['/', '/brokers'];

export interface ZkRmResult {
  path: string;
  recursive: boolean;
  /** Removed znodes, deepest first. */
  removed: string[];
}

export async function zkRm(options: ZkCommandOptions, path: string, opts: {recursive?: boolean; force?: boolean; version?: number} = {}): Promise<ZkRmResult> {
  validateZnodePath(path);
  checkVersion(opts.version);
  if (path === '/zookeeper' || path.startsWith('/zookeeper/')) {
    throw new UserError(`${path} belongs to ZooKeeper itself and cannot be removed`, 'remove your own znodes only');
  }
  if (PROTECTED_PATHS.includes(path) && !opts.force) {
    throw new UserError(
      `refusing to remove ${path} without --force`,
      path === '/' ? 'it would remove every znode (ZooKeeper keeps /zookeeper); pass --force if you mean it' : 'it holds the Kafka brokers\' registrations; pass --force if you mean it',
    );
  }
  if (path === '/' && !opts.recursive) throw new UserError('/ itself cannot be removed', 'pass -r --force to remove everything under it');
  return withZk(options, {op: 'rm', path, expectedVersion: opts.version}, async (zk) => {
    const removed = await zk.remove(path, {recursive: opts.recursive, version: opts.version});
    return {path, recursive: Boolean(opts.recursive), removed};
  });
}

export interface ZkTreeNode {
  path: string;
  name: string;
  children: ZkTreeNode[];
}

export async function zkTree(options: ZkCommandOptions, path: string, opts: {maxDepth?: number} = {}): Promise<ZkTreeNode> {
  validateZnodePath(path);
  return withZk(options, {op: 'tree', path}, async (zk) => {
    const tree = await walkTree(zk, path, opts.maxDepth ?? Infinity);
    const build = (p: string): ZkTreeNode => ({
      path: p,
      name: znodeName(p),
      children: (tree.get(p) ?? []).map((c) => joinZnodePath(p, c)).filter((c) => tree.has(c)).map(build),
    });
    return build(path);
  });
}

export interface ZkFindResult {
  path: string;
  pattern: string;
  ignoreCase: boolean;
  /** Znodes under path (path included) whose full path matches the pattern, depth first. */
  matches: string[];
}

/** zk-shell's find/ifind: the pattern is a regular expression searched in each full path. */
export async function zkFind(options: ZkCommandOptions, path: string, pattern: string, opts: {ignoreCase?: boolean} = {}): Promise<ZkFindResult> {
  validateZnodePath(path);
  let re: RegExp;
  try {
    re = new RegExp(pattern, opts.ignoreCase ? 'i' : '');
  } catch (err) {
    throw new UserError(`invalid pattern ${JSON.stringify(pattern)}: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`, 'the pattern is a regular expression (e.g. "partitions/[0-9]+$"); escape special characters with \\');
  }
  return withZk(options, {op: 'find', path}, async (zk) => {
    const tree = await walkTree(zk, path);
    return {path, pattern, ignoreCase: Boolean(opts.ignoreCase), matches: depthFirst(tree, path).filter((p) => re.test(p))};
  });
}

export interface ZkWatchSummary {
  path: string;
  recursive: boolean;
  events: number;
  /** stopped: by the signal (Ctrl-C); expired: the session expired and the watches with it. */
  end: 'stopped' | 'expired';
}

/**
 * Watches until `signal` aborts, calling onEvent for every change; onReady once the watches are
 * set. An expired session ends it with a UserError (the watches are gone with the session).
 */
export async function zkWatch(
  options: ZkCommandOptions,
  path: string,
  opts: {recursive?: boolean; signal: AbortSignal; onReady?: () => void},
  onEvent: (event: ZnodeWatchEvent) => void,
): Promise<ZkWatchSummary> {
  validateZnodePath(path);
  let events = 0;
  return withZk(options, {op: 'watch', path}, async (zk) => {
    const watcher = watchZnodes(zk, path, {recursive: opts.recursive}, (e) => {
      if (e.type !== 'CONNECTION') events++;
      onEvent(e);
    });
    const stop = () => watcher.stop();
    if (opts.signal.aborted) stop();
    opts.signal.addEventListener('abort', stop, {once: true});
    try {
      await watcher.ready;
      opts.onReady?.();
      const end = await watcher.done;
      if (end === 'expired') throw new UserError(`the ZooKeeper session expired while watching ${path}; its watches are gone`, 'run the command again to watch with a new session');
      return {path, recursive: Boolean(opts.recursive), events, end};
    } finally {
      opts.signal.removeEventListener('abort', stop);
      watcher.stop();
    }
  });
}
