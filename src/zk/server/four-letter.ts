import net from 'node:net';

/**
 * Sends one of ZooKeeper's four-letter words (srvr, ruok, stat, mntr, conf, ...) and returns the
 * whole answer; rejects when nothing answers within timeoutMs. The server must whitelist the
 * word (4lw.commands.whitelist); only srvr is allowed by default.
 */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 2_000): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({host, port});
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${host}:${port} did not answer "${word}" within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.end(word));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

export type ZkServerMode = 'leader' | 'follower' | 'observer' | 'standalone' | 'read-only';

/** What `srvr` says about a server. */
export interface SrvrInfo {
  /** false: the process answers but does not serve clients (no quorum yet, or electing). */
  serving: boolean;
  mode?: ZkServerMode;
  version?: string;
  zxid?: string;
  znodeCount?: number;
  connections?: number;
  outstanding?: number;
  latency?: {min: number; avg: number; max: number};
}

export function parseSrvr(text: string): SrvrInfo {
  if (/not currently serving requests/i.test(text)) return {serving: false};
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(text)?.[1]?.trim();
  const num = (v: string | undefined) => (v === undefined || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v));
  const mode = field('Mode') as ZkServerMode | undefined;
  const lat = field('Latency min/avg/max')?.split('/').map(Number);
  return {
    serving: mode !== undefined,
    mode,
    version: field('Zookeeper version'),
    zxid: field('Zxid'),
    znodeCount: num(field('Node count')),
    connections: num(field('Connections')),
    outstanding: num(field('Outstanding')),
    latency: lat && lat.length === 3 && lat.every((n) => !Number.isNaN(n)) ? {min: lat[0]!, avg: lat[1]!, max: lat[2]!} : undefined,
  };
}

/** `mntr`'s tab-separated key/value lines. */
export function parseMntr(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('\t');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}
