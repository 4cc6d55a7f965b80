import type {Stat as ClientStat} from 'node-zookeeper-client';

/**
 * A znode's Stat in JSON-safe form: zxids and the ephemeral owner (64-bit) as 0x-hex strings,
 * the way zkCli.sh prints them; times as epoch milliseconds.
 */
export interface ZnodeStat {
  czxid: string;
  mzxid: string;
  pzxid: string;
  /** Creation time, epoch ms. */
  ctime: number;
  /** Last modification time, epoch ms. */
  mtime: number;
  /** Data version (what `set -v` compares). */
  version: number;
  /** Children version. */
  cversion: number;
  /** ACL version. */
  aversion: number;
  /** Session id owning the znode, "0x0" when it is not ephemeral. */
  ephemeralOwner: string;
  ephemeral: boolean;
  dataLength: number;
  numChildren: number;
}

function long(buf: Buffer | undefined): bigint {
  if (!buf || buf.length < 8) return 0n;
  return buf.readBigInt64BE(0);
}

function hex(v: bigint): string {
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

export function toZnodeStat(stat: ClientStat): ZnodeStat {
  const owner = long(stat.ephemeralOwner);
  return {
    czxid: hex(long(stat.czxid)),
    mzxid: hex(long(stat.mzxid)),
    pzxid: hex(long(stat.pzxid)),
    ctime: Number(long(stat.ctime)),
    mtime: Number(long(stat.mtime)),
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: hex(owner),
    ephemeral: owner !== 0n,
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
  };
}

/** A zxid string ("0x1a00000003") as a bigint, for comparisons. */
export function zxidToBigInt(zxid: string): bigint {
  return zxid.startsWith('-') ? -BigInt(zxid.slice(1)) : BigInt(zxid);
}

/** zkCli.sh's `stat` layout: one "name = value" line per field. */
export function formatStatLines(stat: ZnodeStat): string[] {
  const time = (ms: number) => new Date(ms).toISOString();
  return [
    `cZxid = ${stat.czxid}`,
    `ctime = ${time(stat.ctime)}`,
    `mZxid = ${stat.mzxid}`,
    `mtime = ${time(stat.mtime)}`,
    `pZxid = ${stat.pzxid}`,
    `cversion = ${stat.cversion}`,
    `dataVersion = ${stat.version}`,
    `aclVersion = ${stat.aversion}`,
    `ephemeralOwner = ${stat.ephemeralOwner}`,
    `dataLength = ${stat.dataLength}`,
    `numChildren = ${stat.numChildren}`,
  ];
}
