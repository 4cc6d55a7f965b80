import path from 'node:path';
import {UserError} from '../../lib/errors.js';

export type EnsembleSize = 1 | 3;

/** Where one node lives and listens. */
export interface ZkNodeLayout {
  id: number;
  host: string;
  clientPort: number;
  /** Quorum (follower-to-leader) port; ensemble only. */
  peerPort?: number;
  /** Leader-election port; ensemble only. */
  electionPort?: number;
  /** The node's own folder: zoo.cfg, zookeeper.log, zookeeper.pid and data/. */
  dir: string;
  dataDir: string;
  configPath: string;
  logPath: string;
  pidPath: string;
}

/** Quorum and election ports sit this far above the client port: 2181 gives 2888 and 3888, ZooKeeper's usual pair. */
export const PEER_PORT_OFFSET = 707;
export const ELECTION_PORT_OFFSET = 1707;

export const LOOPBACK = '127.0.0.1';

/**
 * The loopback layout: node i (1-based) gets client port port+i-1, quorum port port+707+i-1 and
 * election port port+1707+i-1 (2181..2183, 2888..2890, 3888..3890 by default), so one
 * ensemble's nine ports never overlap each other. `hosts` puts node i on its own address
 * (the multi-node topology's 127.0.0.2-4).
 */
export function planLayout(ensemble: EnsembleSize, port: number, baseDir: string, hosts?: string[]): ZkNodeLayout[] {
  if (ensemble !== 1 && ensemble !== 3) throw new UserError(`--ensemble ${String(ensemble)} is not supported`, 'use 1 (standalone) or 3 (a quorum that survives one node failing)');
  const top = port + (ensemble === 3 ? ELECTION_PORT_OFFSET + 2 : 0);
  if (!Number.isInteger(port) || port < 1024 || top > 65535) {
    throw new UserError(`--port ${port} does not leave room for the ensemble's ports`, ensemble === 3 ? `use a port between 1024 and ${65535 - ELECTION_PORT_OFFSET - 2} (nodes use port..port+2, port+707.., port+1707..)` : 'use a port between 1024 and 65535');
  }
  const nodes: ZkNodeLayout[] = [];
  for (let i = 1; i <= ensemble; i++) {
    const dir = path.join(baseDir, `node-${i}`);
    nodes.push({
      id: i,
      host: hosts?.[i - 1] ?? LOOPBACK,
      clientPort: port + i - 1,
      peerPort: ensemble === 3 ? port + PEER_PORT_OFFSET + i - 1 : undefined,
      electionPort: ensemble === 3 ? port + ELECTION_PORT_OFFSET + i - 1 : undefined,
      dir,
      dataDir: path.join(dir, 'data'),
      configPath: path.join(dir, 'zoo.cfg'),
      logPath: path.join(dir, 'zookeeper.log'),
      pidPath: path.join(dir, 'zookeeper.pid'),
    });
  }
  return nodes;
}

/** Four-letter words the nodes answer (status uses srvr; ruok and mntr are handy by hand). */
export const FOUR_LETTER_WHITELIST = 'srvr,ruok,stat,mntr,conf,cons,envi,isro,wchs';

/** zoo.cfg for one node. tickTime 500 keeps elections and start-up quick on loopback. */
export function renderZooCfg(node: ZkNodeLayout, all: ZkNodeLayout[]): string {
  const lines = [
    '# Written by `kcollect zk server start`; rewritten on every start.',
    'tickTime=500',
    'initLimit=20',
    'syncLimit=10',
    'maxSessionTimeout=60000',
    `dataDir=${node.dataDir}`,
    `clientPort=${node.clientPort}`,
    `clientPortAddress=${node.host}`,
    'maxClientCnxns=0',
    'admin.enableServer=false',
    `4lw.commands.whitelist=${FOUR_LETTER_WHITELIST}`,
    'autopurge.snapRetainCount=3',
    'autopurge.purgeInterval=1',
    'preAllocSize=4096',
  ];
  if (all.length > 1) {
    for (const n of all) lines.push(`server.${n.id}=${n.host}:${n.peerPort}:${n.electionPort}`);
  }
  return `${lines.join('\n')}\n`;
}

export function connectStringOf(nodes: Array<Pick<ZkNodeLayout, 'host' | 'clientPort'>>): string {
  return nodes.map((n) => `${n.host}:${n.clientPort}`).join(',');
}
