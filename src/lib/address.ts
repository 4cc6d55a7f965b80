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

export function formatHostPort({host, port}: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
