import {UserError} from '../lib/errors.js';

/**
 * Why a znode path is invalid, or undefined when it is valid. The rules are ZooKeeper's own
 * (PathUtils.validatePath): absolute, no trailing slash, no empty segment, no "." or "..", no
 * NUL/control characters and none of the code points ZooKeeper refuses.
 */
export function znodePathProblem(path: string): string | undefined {
  if (path.length === 0) return 'it is empty';
  if (path[0] !== '/') return 'it must start with /';
  if (path === '/') return undefined;
  if (path.endsWith('/')) return 'it must not end with /';
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s.length === 0)) return 'it has an empty segment (//)';
  if (segments.some((s) => s === '.' || s === '..')) return 'relative segments (. and ..) are not allowed';
  for (const ch of path) {
    const c = ch.codePointAt(0)!;
    if (c === 0) return 'it contains a NUL character';
    if ((c > 0 && c < 0x20) || (c >= 0x7f && c <= 0x9f)) return `it contains the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    if ((c >= 0xd800 && c <= 0xf8ff) || (c >= 0xfff0 && c <= 0xffff)) return `it contains U+${c.toString(16).toUpperCase()}, which ZooKeeper does not allow`;
  }
  return undefined;
}

/** Throws a UserError naming the path when it is not a valid znode path. */
export function validateZnodePath(path: string, what = 'znode path'): string {
  const problem = znodePathProblem(path);
  if (problem) throw new UserError(`invalid ${what} ${JSON.stringify(path)}: ${problem}`, 'a znode path looks like /brokers/ids/1 (absolute, no trailing slash, no empty segment)');
  return path;
}

export function joinZnodePath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

export function parentZnodePath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function znodeName(path: string): string {
  return path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1);
}

/** The ancestors of a path, outermost first, not including / or the path itself. */
export function ancestorPaths(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

export interface ZkServerAddress {
  host: string;
  port: number;
}

export interface ParsedConnectString {
  servers: ZkServerAddress[];
  /** "/kafka" for "h:2181/kafka"; undefined when there is none. */
  chroot?: string;
  /** The servers alone, "h1:2181,h2:2181". */
  hosts: string;
}

/** Parses HOST:PORT[,HOST:PORT...][/chroot] as ZooKeeper clients do (port defaults to 2181). */
export function parseConnectString(text: string): ParsedConnectString {
  const input = text.trim();
  const bad = (why: string) =>
    new UserError(`invalid ZooKeeper connect string ${JSON.stringify(text)}: ${why}`, 'use HOST:PORT[,HOST:PORT...][/chroot], e.g. 127.0.0.1:2181 or 10.0.0.1:2181,10.0.0.2:2181/kafka');
  if (!input) throw bad('it is empty');
  const slash = input.indexOf('/');
  const hostPart = slash === -1 ? input : input.slice(0, slash);
  let chroot = slash === -1 ? undefined : input.slice(slash);
  if (chroot === '/') chroot = undefined;
  if (chroot !== undefined) {
    const problem = znodePathProblem(chroot);
    if (problem) throw bad(`chroot ${chroot} is not a valid path (${problem})`);
  }
  const servers: ZkServerAddress[] = [];
  for (const item of hostPart.split(',')) {
    const s = item.trim();
    if (!s) continue;
    if (s.startsWith('[')) throw bad(`"${s}": IPv6 addresses are not supported by the ZooKeeper client kcollect uses; use a host name`);
    const parts = s.split(':');
    if (parts.length > 2) throw bad(`"${s}" has more than one ":"`);
    const host = parts[0]!;
    const portText = parts[1];
    if (!host) throw bad(`"${s}" has no host`);
    if (!/^[A-Za-z0-9._:-]+$/.test(host)) throw bad(`"${host}" is not a host name`);
    const port = portText === undefined || portText === '' ? 2181 : Number(portText);
    if (!/^\d{1,5}$/.test(portText ?? '2181') || port < 1 || port > 65535) throw bad(`"${portText}" is not a port`);
    servers.push({host, port});
  }
  if (servers.length === 0) throw bad('it names no server');
  return {servers, chroot, hosts: servers.map((s) => `${s.host}:${s.port}`).join(',')};
}
