import {timingSafeEqual} from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import type https from 'node:https';
import {UserError} from './errors.js';
import {nodeHttp, nodeHttps} from './lazy-builtins.js';

/**
 * TLS and HTTP basic auth for kcollect's REST clients (HBase gateway, Schema Registry) and for
 * the emulators that stand in for them.
 */

/** A client's side: PEM texts, and basic-auth credentials. */
export interface HttpClientSecurity {
  /** CAs trusted for the server certificate (else Node's default roots). */
  ca?: string;
  cert?: string;
  key?: string;
  keyPassword?: string;
  username?: string;
  password?: string;
}

/** The URL without `user:password@`, and the credentials it held (percent-decoded). */
export function splitUrlCredentials(url: string): {url: string; username?: string; password?: string} {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {url};
  }
  if (parsed.username === '' && parsed.password === '') return {url};
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return {url: parsed.href.replace(/\/+$/, ''), username, password};
}

/** The URL as it may be printed: never with its password. */
export function redactUrl(url: string): string {
  return splitUrlCredentials(url).url;
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The Authorization header a client sends, if it has credentials. */
export function authorizationHeader(s: HttpClientSecurity | undefined): Record<string, string> {
  return s?.username !== undefined ? {Authorization: basicAuthorization(s.username, s.password ?? '')} : {};
}

/** The keep-alive agent of an https client: its private CA and client certificate, TLS 1.2 or later. */
export function httpsClientAgent(s: HttpClientSecurity): https.Agent {
  return new (nodeHttps().Agent)({keepAlive: true, ca: s.ca, cert: s.cert, key: s.key, passphrase: s.keyPassword, minVersion: 'TLSv1.2'});
}

/** Reads a PEM file named by a flag or key, or a UserError naming it. */
export function readPemFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'give the path of a PEM file');
  }
}

/** The server's side: its certificate, the CA its clients' certificates must come from, and one basic-auth user. */
export interface HttpServerSecurity {
  tls?: {cert: string; key: string; clientCa?: string};
  basicAuth?: {username: string; password: string};
}

/**
 * An http or https server whose handler only sees requests with the right credentials; the
 * others get 401 with a Basic challenge, as a gateway behind an authenticating proxy does.
 */
export function createSecuredServer(security: HttpServerSecurity | undefined, realm: string, handler: http.RequestListener): http.Server {
  const guarded: http.RequestListener = (req, res) => {
    if (security?.basicAuth && !hasCredentials(req.headers.authorization, security.basicAuth)) {
      req.resume();
      res.writeHead(401, {'WWW-Authenticate': `Basic realm="${realm}"`, 'Content-Type': 'text/plain'});
      res.end('Unauthorized\r\n');
      return;
    }
    handler(req, res);
  };
  if (!security?.tls) return nodeHttp().createServer(guarded);
  const {cert, key, clientCa} = security.tls;
  return nodeHttps().createServer({cert, key, ca: clientCa, requestCert: clientCa !== undefined, rejectUnauthorized: clientCa !== undefined, minVersion: 'TLSv1.2'}, guarded);
}

/** Whether an Authorization header carries exactly these basic-auth credentials (compared in constant time). */
export function hasCredentials(header: string | undefined, expected: {username: string; password: string}): boolean {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1], 'base64');
  const wanted = Buffer.from(`${expected.username}:${expected.password}`, 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Parses `USER:PASSWORD` (a flag's value), or a UserError naming the flag without echoing the value. */
export function parseBasicAuth(text: string, flag: string): {username: string; password: string} {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UserError(`${flag} must be USER:PASSWORD`, `e.g. ${flag} admin:$(cat password-file)`);
  return {username: text.slice(0, colon), password: text.slice(colon + 1)};
}
