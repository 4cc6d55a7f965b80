import {UserError} from '../lib/errors.js';

/**
 * ZooKeeper result codes as KeeperException.Code names them (the Java client's names, which
 * zkCli.sh prints: "KeeperErrorCode = NoNode for /x"). Codes the node client does not know are
 * kept by number.
 */
export const ZK_CODES = {
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
} as const;

export type ZkErrorName = keyof typeof ZK_CODES | 'UNKNOWN';

const NAME_BY_CODE = new Map<number, ZkErrorName>(Object.entries(ZK_CODES).map(([name, code]) => [code, name as ZkErrorName]));

/** A ZooKeeper result code from an operation, with the path it was about (client-relative). */
export class ZkError extends Error {
  readonly zkName: ZkErrorName;
  constructor(
    readonly code: number,
    readonly path: string | undefined,
    readonly op: string,
  ) {
    const zkName = NAME_BY_CODE.get(code) ?? 'UNKNOWN';
    super(`ZooKeeper ${op}${path ? ` ${path}` : ''} failed: ${zkName} (${code})`);
    this.name = 'ZkError';
    this.zkName = zkName;
  }
}

export function isZkError(err: unknown, name?: ZkErrorName): err is ZkError {
  return err instanceof ZkError && (name === undefined || err.zkName === name);
}

/** Wraps what node-zookeeper-client passes to a callback (its Exception, or any Error). */
export function fromClientError(err: unknown, op: string, path?: string): Error {
  if (err instanceof ZkError) return err;
  const code = (err as {code?: unknown} | null)?.code;
  const getCode = (err as {getCode?: unknown} | null)?.getCode;
  if (typeof code === 'number' && typeof getCode === 'function') return new ZkError(code, path, op);
  return err instanceof Error ? err : new Error(String(err));
}

export interface ZkErrorContext {
  /** What the user asked for, e.g. "create", "set". */
  op: string;
  path?: string;
  /** The version the user expected (set -v, rm -v). */
  expectedVersion?: number;
  /** The version the node is at now, looked up after a BADVERSION. */
  actualVersion?: number;
  /** Names of children, looked up after a NOTEMPTY. */
  children?: string[];
  /** The connect string, to name the servers in connection errors. */
  connectString?: string;
  chroot?: string;
}

function listSome(names: string[], max = 5): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … (${names.length} in all)` : shown;
}

/** One-line UserErrors for the result codes a user of the znode commands can run into. */
export function zkUserError(err: ZkError, ctx: ZkErrorContext): UserError {
  const p = ctx.path ?? err.path ?? '?';
  const under = ctx.chroot ? ` (under chroot ${ctx.chroot})` : '';
  switch (err.zkName) {
    case 'NONODE':
      if (ctx.op === 'create') {
        return new UserError(`cannot create ${p}: its parent ${parentPath(p)} does not exist${under}`, 'pass -p to create the missing parents too');
      }
      return new UserError(`no znode ${p}${under}`, `list what exists with \`kcollect zk ls ${parentPath(p)}\``);
    case 'NODEEXISTS':
      return new UserError(`${p} already exists${under}`, `change its data with \`kcollect zk set ${p} DATA\`, or remove it first with \`kcollect zk rm ${p}\``);
    case 'BADVERSION': {
      const now = ctx.actualVersion === undefined ? 'it has changed since' : `it is at ${ctx.actualVersion}`;
      return new UserError(
        `version mismatch on ${p}: expected ${ctx.expectedVersion ?? '?'}, ${now}`,
        ctx.actualVersion === undefined
          ? `read it again with \`kcollect zk stat ${p}\` and retry with the current version`
          : `someone else changed it; read it again with \`kcollect zk get ${p} -s\` and retry with -v ${ctx.actualVersion}, or drop -v to overwrite`,
      );
    }
    case 'NOTEMPTY':
      return new UserError(
        `${p} has children${ctx.children?.length ? ` (${listSome(ctx.children)})` : ''}`,
        `pass -r to remove it with everything under it`,
      );
    case 'NOCHILDRENFOREPHEMERALS':
      return new UserError(`cannot create ${p}: its parent ${parentPath(p)} is ephemeral, and ephemeral znodes cannot have children`, 'create the parent as a persistent znode');
    case 'NOAUTH':
      return new UserError(`not authorized to ${ctx.op} ${p}`, 'the znode has an ACL that this client does not satisfy');
    case 'INVALIDACL':
      return new UserError(`invalid ACL for ${p}`, 'kcollect creates znodes with the open ACL; check the server ACL settings');
    case 'BADARGUMENTS':
      return new UserError(`ZooKeeper rejected ${ctx.op} ${p} as bad arguments`, ctx.path === '/zookeeper' || p.startsWith('/zookeeper/') ? '/zookeeper is reserved by ZooKeeper itself' : 'check the path and data');
    case 'CONNECTIONLOSS':
      return new UserError(`lost the connection to ZooKeeper during ${ctx.op} ${p}`, `the outcome is unknown; check with \`kcollect zk stat ${p}\` and retry (a leader election takes a few seconds)`);
    case 'SESSIONEXPIRED':
      return new UserError(`the ZooKeeper session expired during ${ctx.op} ${p}`, 'retry the command; ephemeral znodes of the old session are gone');
    case 'OPERATIONTIMEOUT':
      return new UserError(`ZooKeeper did not answer ${ctx.op} ${p} in time`, `check the servers with \`kcollect zk server status\``);
    default:
      return new UserError(`ZooKeeper ${ctx.op} ${p} failed: ${err.zkName} (${err.code})`, 'see the ZooKeeper server log');
  }
}

function parentPath(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}
