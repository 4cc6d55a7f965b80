import {UserError} from './errors.js';

export interface HostPort {
  host: string;
  port: number;
}

/** Parses "host:port" (or ":port", or "port") with a default host. */
export function parseHostPort(text: string, defaultHost = '127.0.0.1', what = 'address'): HostPort {
  const m = /^(?:(.*):)?(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UserError(`invalid ${what} "${text}"`, 'use HOST:PORT, e.g. 127.0.0.1:9092');
  return {host: m[1] || defaultHost, port};
}

/**
 * A bootstrap list (HOST:PORT,...) as librdkafka takes it: a `PLAINTEXT://` (any scheme) prefix is
 * dropped, as the Java client does too (security.protocol decides, not the prefix), and a host
 * without a port gets 9092. A bad address is said now, naming `what`.
 */
export function bootstrapList(text: string, what: string): string[] {
  const list: string[] = [];
  for (const entry of text.split(',')) {
    const address = entry.trim().replace(/^[a-z][\w+.-]*:\/\//i, '');
    if (address === '') continue;
    const withPort = address.includes(':') ? address : `${address}:9092`;
    parseHostPort(withPort, '127.0.0.1', what);
    list.push(withPort);
  }
  return list;
}

export function formatHostPort({host, port}: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * The source address for a connection from a process listening on `localHost` to `remoteHost`.
 * On loopback the kernel would pick 127.0.0.1 whatever address a "node" of the multi-node layout
 * (127.0.0.2-4) listens on; connecting from the node's own address keeps each node's traffic
 * its own, as on separate hosts, so that cutting a node off cuts all of it. Undefined elsewhere:
 * the routing table chooses.
 */
export function loopbackSourceFor(localHost: string, remoteHost: string): string | undefined {
  return localHost !== '127.0.0.1' && LOOPBACK_V4.test(localHost) && LOOPBACK_V4.test(remoteHost) ? localHost : undefined;
}
