import {ZkClient, type ZkState, type ZkWatchEvent, type ZkWatchListener, type ZkWatchType} from './client.js';
import {isZkError} from './errors.js';
import {joinZnodePath, validateZnodePath} from './paths.js';

/** What `zk watch` reports: a znode change, or a change of the session's connection. */
export type ZnodeWatchEvent =
  | {time: string; type: Exclude<ZkWatchType, 'NODE_CHILDREN_CHANGED'>; path: string; version?: number}
  | {time: string; type: 'NODE_CHILDREN_CHANGED'; path: string; added: string[]; removed: string[]}
  | {time: string; type: 'CONNECTION'; state: ZkState};

export interface ZnodeWatcher {
  /** Resolves once the first watches are set. */
  ready: Promise<void>;
  /** Resolves when watching ends: stop() was called, or the session expired (then with 'expired'). */
  done: Promise<'stopped' | 'expired'>;
  stop(): void;
}

/**
 * Keeps watching a znode (its data, its children, its creation and deletion) and, with
 * `recursive`, everything under it, setting ZooKeeper's one-shot watches again after each event.
 * Changes between an event and the re-arming are folded into the next read, as with any
 * ZooKeeper watch: the latest state is never missed, intermediate ones can be.
 */
export function watchZnodes(zk: ZkClient, root: string, options: {recursive?: boolean}, onEvent: (event: ZnodeWatchEvent) => void): ZnodeWatcher {
  validateZnodePath(root);
  const recursive = Boolean(options.recursive);
  const childrenOf = new Map<string, Set<string>>();
  const dataListeners = new Map<string, ZkWatchListener>();
  const childListeners = new Map<string, ZkWatchListener>();
  let stopped = false;
  let finish!: (how: 'stopped' | 'expired') => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<'stopped' | 'expired'>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const now = () => new Date().toISOString();

  const report = (err: unknown) => {
    if (stopped) return;
    if (isZkError(err, 'NONODE')) return; // gone meanwhile; its parent's event covers it
    // A lost connection: the watches are set again when the session reconnects (onState).
    if (isZkError(err, 'SESSIONEXPIRED') || isZkError(err, 'CONNECTIONLOSS') || isZkError(err, 'OPERATIONTIMEOUT')) return;
    stopped = true;
    zk.off('state', onState);
    fail(err);
  };

  const dataListener = (path: string): ZkWatchListener => {
    let l = dataListeners.get(path);
    if (!l) {
      l = (e: ZkWatchEvent) => void onData(path, e).catch(report);
      dataListeners.set(path, l);
    }
    return l;
  };
  const childListener = (path: string): ZkWatchListener => {
    let l = childListeners.get(path);
    if (!l) {
      l = (e: ZkWatchEvent) => void onChildren(path, e).catch(report);
      childListeners.set(path, l);
    }
    return l;
  };

  /**
   * Sets data and child watches on an existing znode (and, recursively, its subtree). With
   * `announce` (the znode was just created, or the session reconnected), children it did not know
   * of are reported as added, since no child watch could have seen them arrive.
   */
  async function arm(path: string, announce = false): Promise<void> {
    if (stopped) return;
    try {
      await zk.get(path, {watch: dataListener(path)});
      const children = await zk.children(path, {watch: childListener(path)});
      const before = childrenOf.get(path);
      childrenOf.set(path, new Set(children));
      if (announce) {
        const added = children.filter((c) => !before?.has(c)).sort();
        const removed = before ? [...before].filter((c) => !children.includes(c)).sort() : [];
        if (added.length || removed.length) onEvent({time: now(), type: 'NODE_CHILDREN_CHANGED', path, added, removed});
      }
      if (recursive) await Promise.all(children.map((c) => arm(joinZnodePath(path, c), announce && !before?.has(c))));
    } catch (err) {
      if (!isZkError(err, 'NONODE')) throw err;
      childrenOf.delete(path);
      if (path === root) await armRoot(announce);
    }
  }

  /** The root may not exist (yet): an exists watch tells when it is created. */
  async function armRoot(announce = false): Promise<void> {
    if (stopped) return;
    const stat = await zk.exists(root, {watch: dataListener(root)});
    if (stat) await arm(root, announce);
  }

  async function onData(path: string, e: ZkWatchEvent): Promise<void> {
    if (stopped) return;
    if (e.type === 'NODE_DELETED') {
      onEvent({time: now(), type: 'NODE_DELETED', path});
      childrenOf.delete(path);
      if (path === root) await armRoot();
      return;
    }
    if (e.type === 'NODE_CREATED') {
      const stat = await zk.exists(path);
      onEvent({time: now(), type: 'NODE_CREATED', path, version: stat?.version});
      await arm(path, true);
      return;
    }
    if (e.type === 'NODE_DATA_CHANGED') {
      try {
        const {stat} = await zk.get(path, {watch: dataListener(path)});
        onEvent({time: now(), type: 'NODE_DATA_CHANGED', path, version: stat.version});
      } catch (err) {
        if (!isZkError(err, 'NONODE')) throw err;
        onEvent({time: now(), type: 'NODE_DATA_CHANGED', path});
        onEvent({time: now(), type: 'NODE_DELETED', path});
        childrenOf.delete(path);
        if (path === root) await armRoot();
      }
    }
  }

  async function onChildren(path: string, e: ZkWatchEvent): Promise<void> {
    if (stopped || e.type !== 'NODE_CHILDREN_CHANGED') return; // NODE_DELETED is reported by the data watch
    // Taken now, before the await: the znode's own NODE_DELETED may be handled meanwhile.
    const known = [...(childrenOf.get(path) ?? [])];
    let children: string[];
    try {
      children = await zk.children(path, {watch: childListener(path)});
    } catch (err) {
      if (!isZkError(err, 'NONODE')) throw err;
      // The znode went right after its children did: they are all gone (its own NODE_DELETED follows).
      const gone = known.sort();
      childrenOf.delete(path);
      if (gone.length) onEvent({time: now(), type: 'NODE_CHILDREN_CHANGED', path, added: [], removed: gone});
      return;
    }
    // Diff against what was known when the event fired: the znode's NODE_DELETED, arriving in
    // the same read as this answer, may already have dropped it from childrenOf.
    const before = new Set(known);
    const after = new Set(children);
    const added = children.filter((c) => !before.has(c)).sort();
    const removed = known.filter((c) => !after.has(c)).sort();
    if (childrenOf.has(path)) childrenOf.set(path, after);
    onEvent({time: now(), type: 'NODE_CHILDREN_CHANGED', path, added, removed});
    if (recursive) await Promise.all(added.map((c) => arm(joinZnodePath(path, c), true)));
  }

  let wasDisconnected = false;
  const onState = (state: ZkState) => {
    if (stopped) return;
    onEvent({time: now(), type: 'CONNECTION', state});
    if (state === 'disconnected') wasDisconnected = true;
    if (state === 'connected' && wasDisconnected) {
      // node-zookeeper-client sets the registered watches again itself; this covers a watch that
      // was being set when the connection dropped.
      wasDisconnected = false;
      void armRoot(true).catch(report);
    }
    if (state === 'expired' || state === 'auth_failed' || state === 'closed') {
      stopped = true;
      zk.off('state', onState);
      finish('expired');
    }
  };
  zk.on('state', onState);

  const ready = armRoot();
  return {
    ready,
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      zk.off('state', onState);
      finish('stopped');
    },
  };
}
