import {EventEmitter} from 'node:events';
import zookeeper from 'node-zookeeper-client';
import type {Client, Event as ClientEvent, State as ClientState, Stat as ClientStat} from 'node-zookeeper-client';
import {loopbackSourceFor} from '../lib/address.js';
import {UserError} from '../lib/errors.js';
import {ZNODE_DATA_LIMIT} from './data.js';
import {ZK_CODES, ZkError, fromClientError, isZkError} from './errors.js';
import {ancestorPaths, joinZnodePath, parseConnectString, validateZnodePath, type ParsedConnectString} from './paths.js';
import {toZnodeStat, type ZnodeStat} from './stat.js';

/** The session's state, as ZooKeeper's Watcher.Event.KeeperState names it, plus our own ends. */
export type ZkState = 'connecting' | 'connected' | 'read_only' | 'disconnected' | 'expired' | 'auth_failed' | 'closed';

export type ZkWatchType = 'NODE_CREATED' | 'NODE_DELETED' | 'NODE_DATA_CHANGED' | 'NODE_CHILDREN_CHANGED';

/** A fired watch. Watches are one-shot, as in ZooKeeper: set them again to keep watching. */
export interface ZkWatchEvent {
  type: ZkWatchType;
  /** Client-relative path (the chroot removed). */
  path: string;
}

export type ZkWatchListener = (event: ZkWatchEvent) => void;

export interface ZkConnectOptions {
  /** Requested session timeout; the server clamps it to [2, 20] x tickTime unless configured. Default 30000. */
  sessionTimeoutMs?: number;
  /** How long connect() waits for a session before giving up with a UserError. Default 5000. */
  connectTimeoutMs?: number;
  /** How long a single operation may wait (for example while reconnecting). Default: the session timeout. */
  operationTimeoutMs?: number;
  /** Create the chroot of the connect string first when it is missing (as Kafka brokers do). */
  createChroot?: boolean;
  /** The address this process listens on: loopback connections leave from it (see loopbackSourceFor). */
  localHost?: string;
}

export type ZkCreateMode = 'persistent' | 'ephemeral';

export interface ZkCreateOptions {
  /** persistent (default) or ephemeral (deleted when this session ends). */
  mode?: ZkCreateMode;
  /** Append a 10-digit, monotonically increasing counter to the name. */
  sequential?: boolean;
  /** Create missing parents (always as persistent znodes with no data). */
  parents?: boolean;
}

export interface ZkCreateResult {
  /** The created path (with the sequence suffix for sequential znodes). */
  path: string;
  /** Parents that did not exist and were created, outermost first. */
  parentsCreated: string[];
}

/** One operation of an atomic multi(). version -1 (the default) matches any version. */
export type ZkOp =
  | {op: 'create'; path: string; data?: Buffer | string | null; mode?: ZkCreateMode; sequential?: boolean}
  | {op: 'set'; path: string; data: Buffer | string | null; version?: number}
  | {op: 'remove'; path: string; version?: number}
  | {op: 'check'; path: string; version: number};

export type ZkOpResult = {op: 'create'; path: string} | {op: 'set'; stat: ZnodeStat} | {op: 'remove'} | {op: 'check'};

const STATE_NAMES = new Map<number, ZkState>([
  [0, 'disconnected'],
  [3, 'connected'],
  [5, 'read_only'],
  [4, 'auth_failed'],
  [-122, 'expired'],
]);

// ConnectionManager.STATES of node-zookeeper-client 1.1.3.
const CM_CLOSED = -2;

function toBuffer(data: Buffer | string | null | undefined): Buffer | undefined {
  if (data === null || data === undefined) return undefined;
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (buf.length > ZNODE_DATA_LIMIT) throw new UserError(`the data is ${buf.length} bytes; ZooKeeper takes at most ${ZNODE_DATA_LIMIT} bytes per znode`, 'store large values elsewhere and keep a reference in the znode');
  return buf;
}

function createMode(mode: ZkCreateMode | undefined, sequential: boolean | undefined): number {
  const m = zookeeper.CreateMode;
  if (mode === 'ephemeral') return sequential ? m.EPHEMERAL_SEQUENTIAL : m.EPHEMERAL;
  return sequential ? m.PERSISTENT_SEQUENTIAL : m.PERSISTENT;
}

function toWatchEvent(event: ClientEvent): ZkWatchEvent {
  return {type: event.getName() as ZkWatchType, path: event.getPath()};
}

/**
 * A promise-based ZooKeeper client over node-zookeeper-client 1.1.3.
 *
 * Events: 'state' (ZkState) on every session state change, and one event per state
 * ('connected', 'disconnected', 'expired', 'read_only', 'auth_failed', 'closed');
 * 'watch' (ZkWatchEvent) for every watch of this client that fires.
 * Failed operations reject with a ZkError (code name in `zkName`, e.g. NONODE, BADVERSION).
 * An expired session does not come back: make a new client.
 */
export class ZkClient extends EventEmitter {
  readonly connectString: string;
  readonly servers: ParsedConnectString['servers'];
  readonly chroot: string | undefined;
  private _state: ZkState = 'connecting';
  private readonly pending = new Set<(err: Error) => void>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly client: Client,
    parsed: ParsedConnectString,
    private readonly operationTimeoutMs: number,
  ) {
    super();
    this.connectString = parsed.hosts + (parsed.chroot ?? '');
    this.servers = parsed.servers;
    this.chroot = parsed.chroot;
    client.on('state', (state: ClientState) => {
      if (this._state === 'closed' || this.closing) return; // close() reports 'closed' alone
      const name = STATE_NAMES.get(state.code);
      if (name) this.setState(name);
    });
    this.installReadTimeout();
  }

  private lastReceived = Date.now();
  private heardAt = Date.now();

  /** When the server last sent anything (Date.now() time): the session lives at most a session timeout past it. */
  get lastHeardAt(): number {
    return this.heardAt;
  }
  private watchdog: NodeJS.Timeout | undefined;

  /**
   * node-zookeeper-client pings an idle connection but never notices that the answers stopped
   * (a hung or partitioned server keeps the TCP connection open). Like the Java client, treat
   * 2/3 of the session timeout without a byte from the server as a dead connection, and drop it
   * so the client reconnects, to another server when there is one. The same limit applies to a
   * server that accepts the TCP connection but never answers the handshake.
   */
  private installReadTimeout(): void {
    const cm = (this.client as unknown as {connectionManager: ConnectionManagerInternals}).connectionManager;
    const original = cm.onSocketData;
    const self = this;
    cm.onSocketData = function (this: unknown, buffer: Buffer) {
      self.lastReceived = Date.now();
      self.heardAt = self.lastReceived;
      return original.call(this, buffer);
    };
    let socket: unknown;
    this.watchdog = setInterval(() => {
      if (this._state === 'closed' || this._state === 'expired' || this._state === 'auth_failed') return;
      if (cm.socket !== socket) {
        // a new connection attempt: it gets the full time
        socket = cm.socket;
        this.lastReceived = Date.now();
        return;
      }
      // Connected: 2/3 of the session timeout (the Java client's read timeout); handshaking: the
      // session timeout shared among the servers (its connect timeout), so each gets a turn.
      const timeout = this.client.getSessionTimeout();
      const live = this._state === 'connected' || this._state === 'read_only';
      const limit = live ? (timeout * 2) / 3 : timeout / this.servers.length;
      if (Date.now() - this.lastReceived > limit) {
        this.lastReceived = Date.now();
        cm.socket?.destroy();
      }
    }, 200);
    this.watchdog.unref();
  }

  /** Connects and waits for a session; a UserError when none is established within connectTimeoutMs. */
  static async connect(connectString: string, options: ZkConnectOptions = {}): Promise<ZkClient> {
    const parsed = parseConnectString(connectString);
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 30_000;
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    if (options.createChroot && parsed.chroot) {
      const root = await ZkClient.connect(parsed.hosts, {...options, createChroot: false});
      try {
        await root.ensurePath(parsed.chroot);
      } finally {
        await root.close();
      }
    }
    const client = zookeeper.createClient(parsed.hosts + (parsed.chroot ?? ''), {sessionTimeout: sessionTimeoutMs, spinDelay: 200, retries: 0});
    if (options.localHost) {
      // net.connect() takes each server entry as its options: a localAddress there binds the source.
      const servers = (client as unknown as {connectionManager: {servers: Array<{host: string; localAddress?: string}>}}).connectionManager.servers;
      for (const server of servers) server.localAddress = loopbackSourceFor(options.localHost, server.host);
    }
    const zk = new ZkClient(client, parsed, options.operationTimeoutMs ?? sessionTimeoutMs);
    try {
      await zk.waitForSession(connectTimeoutMs);
    } catch (err) {
      await zk.close();
      throw err;
    }
    return zk;
  }

  get state(): ZkState {
    return this._state;
  }

  /** The session id as 0x-hex, as the server logs it; "0x0" before the first session. */
  get sessionId(): string {
    try {
      return `0x${this.client.getSessionId().readBigUInt64BE(0).toString(16)}`;
    } catch {
      return '0x0';
    }
  }

  /** The session timeout the server granted. */
  get sessionTimeoutMs(): number {
    return this.client.getSessionTimeout();
  }

  private setState(state: ZkState): void {
    if (state === this._state) return;
    this._state = state;
    this.emit('state', state);
    this.emit(state);
  }

  private waitForSession(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onState = (state: ZkState) => {
        if (state === 'connected' || state === 'read_only') done();
        else if (state === 'auth_failed') done(new UserError(`ZooKeeper at ${this.connectString} refused the authentication`, 'check the credentials'));
        else if (state === 'expired') done(new UserError(`ZooKeeper at ${this.connectString} expired the new session at once`, 'check the server logs'));
      };
      const timer = setTimeout(
        () =>
          done(
            new UserError(
              `no ZooKeeper answers at ${this.servers.map((s) => `${s.host}:${s.port}`).join(',')}`,
              'start one with `kcollect zk server start`, or point --zookeeper (KCOLLECT_ZOOKEEPER) at a running ensemble',
            ),
          ),
        timeoutMs,
      );
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.off('state', onState);
        if (err) reject(err);
        else resolve();
      };
      this.on('state', onState);
      this.client.connect();
    });
  }

  /** Runs one callback-style call of the underlying client as a promise, with the operation timeout. */
  private call<T>(op: string, path: string | undefined, fn: (cb: (err: unknown, value?: T) => void) => void): Promise<T> {
    if (this._state === 'closed') return Promise.reject(new ZkError(ZK_CODES.CONNECTIONLOSS, path, op));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (err: Error | undefined, value?: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(abort);
        if (err) reject(err);
        else resolve(value as T);
      };
      const abort = (err: Error) => settle(err);
      const timer = setTimeout(() => settle(new ZkError(ZK_CODES.OPERATIONTIMEOUT, path, op)), this.operationTimeoutMs);
      this.pending.add(abort);
      try {
        fn((err, value) => settle(err ? fromClientError(err, op, path) : undefined, value));
      } catch (err) {
        settle(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  // One wrapper per listener, so that setting the same listener twice on a path (say through
  // exists() and get()) leaves one watch, as ZooKeeper's Java client does.
  private readonly wrapped = new WeakMap<ZkWatchListener, (event: ClientEvent) => void>();

  private wrapWatch(listener: ZkWatchListener): (event: ClientEvent) => void {
    let fn = this.wrapped.get(listener);
    if (!fn) {
      fn = (event) => {
        const e = toWatchEvent(event);
        this.emit('watch', e);
        listener(e);
      };
      this.wrapped.set(listener, fn);
    }
    return fn;
  }

  /** Creates a znode; resolves to the created path (with its sequence suffix when sequential). */
  async create(path: string, data?: Buffer | string | null, options: ZkCreateOptions = {}): Promise<string> {
    return (await this.createEx(path, data, options)).path;
  }

  /** create(), also telling which parents it had to create. */
  async createEx(path: string, data?: Buffer | string | null, options: ZkCreateOptions = {}): Promise<ZkCreateResult> {
    validateZnodePath(path);
    const buf = toBuffer(data);
    const parentsCreated = options.parents ? await this.ensureAncestors(path) : [];
    const mode = createMode(options.mode, options.sequential);
    const created = await this.call<string>('create', path, (cb) => {
      if (buf) this.client.create(path, buf, mode, cb);
      else this.client.create(path, mode, cb);
    });
    return {path: created, parentsCreated};
  }

  /** Creates the path and its missing ancestors as empty persistent znodes; resolves to the ones it created. */
  async ensurePath(path: string): Promise<string[]> {
    validateZnodePath(path);
    if (path === '/') return [];
    const created = await this.ensureAncestors(path);
    try {
      await this.call<string>('create', path, (cb) => this.client.create(path, zookeeper.CreateMode.PERSISTENT, cb));
      created.push(path);
    } catch (err) {
      if (!isZkError(err, 'NODEEXISTS')) throw err;
    }
    return created;
  }

  private async ensureAncestors(path: string): Promise<string[]> {
    const created: string[] = [];
    for (const p of ancestorPaths(path)) {
      if (await this.exists(p)) continue;
      try {
        await this.call<string>('create', p, (cb) => this.client.create(p, zookeeper.CreateMode.PERSISTENT, cb));
        created.push(p);
      } catch (err) {
        if (!isZkError(err, 'NODEEXISTS')) throw err;
      }
    }
    return created;
  }

  /** Data and Stat; with `watch`, a one-shot watch for NODE_DATA_CHANGED / NODE_DELETED. */
  async get(path: string, options: {watch?: ZkWatchListener} = {}): Promise<{data: Buffer; stat: ZnodeStat}> {
    validateZnodePath(path);
    const [data, stat] = await this.call<[Buffer | null, ClientStat]>('get', path, (cb) => {
      const done = (err: unknown, d?: Buffer, s?: ClientStat) => cb(err, [d ?? null, s!]);
      if (options.watch) this.client.getData(path, this.wrapWatch(options.watch), done);
      else this.client.getData(path, done);
    });
    return {data: data ?? Buffer.alloc(0), stat: toZnodeStat(stat)};
  }

  /** Sets the data; with `version`, only when the znode is at that version (BADVERSION otherwise). */
  async set(path: string, data: Buffer | string | null, options: {version?: number} = {}): Promise<ZnodeStat> {
    validateZnodePath(path);
    const buf = toBuffer(data) ?? Buffer.alloc(0);
    const stat = await this.call<ClientStat>('set', path, (cb) => this.client.setData(path, buf, options.version ?? -1, cb));
    return toZnodeStat(stat);
  }

  /** The Stat, or null when there is no such znode; `watch` fires on create, delete or data change. */
  async exists(path: string, options: {watch?: ZkWatchListener} = {}): Promise<ZnodeStat | null> {
    validateZnodePath(path);
    const stat = await this.call<ClientStat | null>('exists', path, (cb) => {
      if (options.watch) this.client.exists(path, this.wrapWatch(options.watch), cb);
      else this.client.exists(path, cb);
    });
    return stat ? toZnodeStat(stat) : null;
  }

  /** Child names (unsorted, as the server gives them); `watch` fires on NODE_CHILDREN_CHANGED / NODE_DELETED. */
  async children(path: string, options: {watch?: ZkWatchListener} = {}): Promise<string[]> {
    return (await this.getChildren(path, options)).children;
  }

  async getChildren(path: string, options: {watch?: ZkWatchListener} = {}): Promise<{children: string[]; stat: ZnodeStat}> {
    validateZnodePath(path);
    const [children, stat] = await this.call<[string[], ClientStat]>('ls', path, (cb) => {
      const done = (err: unknown, c?: string[], s?: ClientStat) => cb(err, [c ?? [], s!]);
      if (options.watch) this.client.getChildren(path, this.wrapWatch(options.watch), done);
      else this.client.getChildren(path, done);
    });
    return {children, stat: toZnodeStat(stat)};
  }

  /**
   * Removes a znode. `version` applies to the znode itself; `recursive` removes its subtree first
   * (depth first, so a crash leaves a smaller tree, never an orphan). ZooKeeper's own /zookeeper
   * subtree is never touched. Resolves to the removed paths, deepest first.
   */
  async remove(path: string, options: {version?: number; recursive?: boolean} = {}): Promise<string[]> {
    validateZnodePath(path);
    const removed: string[] = [];
    if (options.recursive) {
      for (let attempt = 0; ; attempt++) {
        const children = await this.children(path);
        for (const child of children) {
          const childPath = joinZnodePath(path, child);
          if (childPath === '/zookeeper') continue;
          try {
            removed.push(...(await this.remove(childPath, {recursive: true})));
          } catch (err) {
            if (!isZkError(err, 'NONODE')) throw err;
          }
        }
        if (path === '/') return removed;
        try {
          await this.removeOne(path, options.version);
          removed.push(path);
          return removed;
        } catch (err) {
          // Someone added a child meanwhile: go around again, a bounded number of times.
          if (!isZkError(err, 'NOTEMPTY') || attempt >= 5) throw err;
        }
      }
    }
    await this.removeOne(path, options.version);
    removed.push(path);
    return removed;
  }

  private removeOne(path: string, version: number | undefined): Promise<void> {
    return this.call<void>('rm', path, (cb) => this.client.remove(path, version ?? -1, cb));
  }

  /** All operations, atomically: all succeed or none is applied (ZkError names the first failing op's path). */
  async multi(ops: ZkOp[]): Promise<ZkOpResult[]> {
    const tx = this.client.transaction();
    // node-zookeeper-client turns version 0 into -1 (`version || -1`); set the versions ourselves.
    const raw = (tx as unknown as {ops: Array<{version?: number}>}).ops;
    for (const o of ops) {
      validateZnodePath(o.path);
      switch (o.op) {
        case 'create': {
          const buf = toBuffer(o.data);
          const mode = createMode(o.mode, o.sequential);
          if (buf) tx.create(o.path, buf, mode);
          else tx.create(o.path, mode);
          break;
        }
        case 'set':
          tx.setData(o.path, toBuffer(o.data) ?? Buffer.alloc(0));
          raw[raw.length - 1]!.version = o.version ?? -1;
          break;
        case 'remove':
          tx.remove(o.path);
          raw[raw.length - 1]!.version = o.version ?? -1;
          break;
        case 'check':
          tx.check(o.path);
          raw[raw.length - 1]!.version = o.version;
          break;
      }
    }
    type RawResult = {type: number; path?: string; stat?: ClientStat; err?: number};
    const results = await this.call<RawResult[]>('multi', undefined, (cb) =>
      tx.commit((err, res: RawResult[] | undefined) => {
        if (!err) return cb(null, res);
        // The first result whose error is not "rolled back" (RUNTIMEINCONSISTENCY) is the cause.
        const i = res?.findIndex((r) => r.err !== undefined && r.err !== 0 && r.err !== ZK_CODES.RUNTIMEINCONSISTENCY) ?? -1;
        cb(i >= 0 ? new ZkError(res![i]!.err!, ops[i]!.path, `multi (${ops[i]!.op})`) : err);
      }),
    );
    return ops.map((o, i): ZkOpResult => {
      const r = results[i];
      if (o.op === 'create') return {op: 'create', path: r?.path ?? o.path};
      if (o.op === 'set') return {op: 'set', stat: toZnodeStat(r!.stat!)};
      return {op: o.op};
    });
  }

  /** Ends the session (its ephemeral znodes go away) and stops reconnecting. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    const cm = (this.client as unknown as {connectionManager: ConnectionManagerInternals}).connectionManager;
    const live = this._state === 'connected' || this._state === 'read_only';
    if (live) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, 2_000);
        function finish() {
          clearTimeout(timer);
          cm.off('state', onState);
          resolve();
        }
        function onState(s: number) {
          if (s === CM_CLOSED) finish();
        }
        cm.on('state', onState);
        this.client.close();
      });
    }
    clearInterval(this.watchdog);
    // Stop the reconnect loop for good (node-zookeeper-client retries forever otherwise).
    cm.connect = () => {};
    if (cm.connectTimeoutHandler) clearTimeout(cm.connectTimeoutHandler);
    cm.socket?.destroy();
    this.setState('closed');
    for (const abort of [...this.pending]) abort(new ZkError(ZK_CODES.CONNECTIONLOSS, undefined, 'close'));
  }
}

interface ConnectionManagerInternals extends EventEmitter {
  connect: () => void;
  onSocketData: (buffer: Buffer) => void;
  connectTimeoutHandler?: NodeJS.Timeout | null;
  socket?: {destroy(): void};
}
