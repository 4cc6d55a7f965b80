/** Flume's network sources (netcat, syslogtcp, multiport_syslogtcp, syslogudp, http) as kcollect's. Part of `kcollect agent import` (../flume-import.ts). */
import type {InterceptorConfig} from '../../interceptors/schema.js';
import {Scope, type Common, type SourceInput, defined} from './scope.js';

const NO_TLS = 'kcollect\'s network sources speak plain TCP/HTTP; put a TLS terminator (stunnel, a reverse proxy) in front, or keep them on a trusted network';
const TLS_OPTIONS = ['ssl', 'enableSSL', 'keystore', 'keystore-password', 'keystorePassword', 'keystore-type', 'keystoreType', 'exclude-protocols', 'excludeProtocols', 'include-protocols', 'include-cipher-suites', 'exclude-cipher-suites'];

/** The address to listen on (from `option`), with a note when Flume's default differs from kcollect's 127.0.0.1. */
function bindOf(s: Scope, option: string, flumeDefault?: string): string | undefined {
  const bind = s.str(option);
  if (bind === undefined) {
    s.noteType(`no ${option} given${flumeDefault ? ` (Flume listens on ${flumeDefault})` : ''}: kcollect listens on 127.0.0.1 only; set bind: 0.0.0.0 to take connections from other hosts`);
  } else if (option !== 'bind') s.note(option, `becomes bind: ${bind}`);
  return bind;
}

/** A TCP/UDP port, or undefined (listed) when missing or out of range. */
function portOf(s: Scope, option = 'port'): number | undefined {
  const port = s.nonNegative(option);
  if (port !== undefined && port > 65_535) s.unconvert(option, `${port} is not a port (0-65535)`);
  return port !== undefined && port <= 65_535 ? port : undefined;
}

/** TLS options: listed as not converted when TLS is on, noted when it is explicitly off. */
function tlsOptions(s: Scope): void {
  const on = s.bool('ssl') || s.bool('enableSSL');
  for (const o of TLS_OPTIONS) {
    if (!s.has(o) || s.isUsed(o)) continue;
    if (on) s.unconvert(o, NO_TLS);
    else s.note(o, 'not needed: TLS is off');
  }
  if (on) {
    for (const o of ['ssl', 'enableSSL']) if (s.has(o)) s.unconvert(o, NO_TLS);
  }
}

export function fromNetcat(s: Scope, common: Common): Array<[string, SourceInput]> {
  const port = portOf(s);
  if (port === undefined) {
    s.drop('type', 'a netcat source needs port');
    return [];
  }
  const bind = bindOf(s, 'bind');
  const maxLineLength = s.int('max-line-length', 2);
  const ack = s.optBool('ack-every-event');
  s.noteType('a line longer than max-line-length is answered FAILED like Flume, but the connection stays open and the line goes on cut and rejected (dead-lettered by a kafka sink)');
  return [[s.name, defined({type: 'netcat' as const, bind, port, ack, maxLineLength, ...common})]];
}

/** Flume's keepFields: true/all keeps the whole message; false/none keeps MSG only; a field list has no equivalent. */
function keepFieldsOf(s: Scope): boolean | undefined {
  const v = s.str('keepFields');
  if (v === undefined) return undefined;
  if (/^(true|all)$/i.test(v)) return true;
  if (/^(false|none)$/i.test(v)) return false;
  s.unconvert('keepFields', `"${v}": kcollect keeps all header fields in the body (keepFields: true) or none, not a chosen few; the fields are in the event headers either way`);
  return undefined;
}

function syslogCommon(s: Scope): {keepFields?: boolean; clientIPHeader?: string} {
  const clientHostname = s.str('clientHostnameHeader');
  if (clientHostname !== undefined) s.unconvert('clientHostnameHeader', 'kcollect does not look up senders\' host names; clientIPHeader gives their address');
  tlsOptions(s);
  return {keepFields: keepFieldsOf(s), clientIPHeader: s.str('clientIPHeader')};
}

export function fromSyslog(s: Scope, type: 'syslogtcp' | 'syslogudp', common: Common): Array<[string, SourceInput]> {
  const port = portOf(s);
  if (port === undefined) {
    s.drop('type', `a ${type} source needs port`);
    return [];
  }
  const bind = bindOf(s, 'host');
  const eventSize = type === 'syslogtcp' ? s.int('eventSize', 16) : undefined;
  if (type === 'syslogudp' && s.has('eventSize')) s.note('eventSize', 'not needed: a datagram is its own size limit (at most 64 KiB)');
  if (type === 'syslogtcp' && s.has('eventSize')) s.note('eventSize', 'a longer message is marked Incomplete as in Flume, and also rejected (dead-lettered by a kafka sink) instead of split');
  return [[s.name, defined({type, bind, port, eventSize, ...syslogCommon(s), ...common})]];
}

/** One syslogtcp source per port; Flume's portHeader becomes a static header on each. */
export function fromMultiportSyslog(s: Scope, common: Common): Array<[string, SourceInput]> {
  const ports: number[] = [];
  const bad: string[] = [];
  for (const p of s.list('ports')) {
    const n = /^\d+$/.test(p) ? Number(p) : NaN;
    if (n >= 0 && n <= 65_535) ports.push(n);
    else bad.push(p);
  }
  if (bad.length > 0 && ports.length > 0) s.unconvert('ports', `not ports (0-65535): ${bad.join(', ')}`);
  if (ports.length === 0) {
    s.drop('type', 'a multiport_syslogtcp source needs ports');
    return [];
  }
  const bind = bindOf(s, 'host');
  const eventSize = s.int('eventSize', 16);
  const portHeader = s.str('portHeader');
  const charsets = [...(s.has('charset.default') ? ['charset.default'] : []), ...s.keysUnder('charset.port')];
  for (const key of charsets) {
    const charset = s.str(key)!;
    if (/^utf-?8$/i.test(charset)) s.note(key, 'not needed: kcollect reads syslog as UTF-8 bytes');
    else s.unconvert(key, `kcollect keeps message bytes as they are; ${charset} is not re-encoded to UTF-8`);
  }
  s.noteAll(['readBufferSize', 'numProcessors'], 'not needed: kcollect reads each connection with Node\'s event loop');
  const shared = defined({bind, eventSize, ...syslogCommon(s)});
  const name = (port: number) => (ports.length === 1 ? s.name : `${s.name}_${port}`);
  if (ports.length > 1) s.note('ports', `kcollect's syslogtcp source listens on one port: one source per port (${ports.map(name).join(', ')})`);
  return ports.map((port) => {
    const interceptors: InterceptorConfig[] = [...(portHeader ? [{type: 'static' as const, key: portHeader, value: String(port), preserveExisting: false}] : []), ...(common.interceptors ?? [])];
    return [name(port), defined({type: 'syslogtcp' as const, port, ...shared, ...common, interceptors: interceptors.length > 0 ? interceptors : undefined})];
  });
}

const JSON_HANDLERS = ['jsonhandler', 'org.apache.flume.source.http.jsonhandler'];

export function fromHttp(s: Scope, common: Common): Array<[string, SourceInput]> {
  const port = portOf(s);
  if (port === undefined) {
    s.drop('type', 'an http source needs port');
    return [];
  }
  const handler = s.str('handler');
  if (handler !== undefined && !JSON_HANDLERS.includes(handler.toLowerCase())) {
    s.drop('handler', `${handler}: kcollect's http source reads Flume's JSONHandler format only ([{"headers": {...}, "body": "..."}])`);
    return [];
  }
  const bind = bindOf(s, 'bind', '0.0.0.0');
  tlsOptions(s);
  for (const key of ['QueuedThreadPool', 'HttpConfiguration', 'SslContextFactory', 'ServerConnector'].flatMap((p) => s.keysUnder(p))) {
    s.note(key, 'not needed: Jetty tuning; kcollect bounds requests with maxBodyBytes and maxPendingRequests');
  }
  s.noteType('answers 200 only once the events are safe in the channel (with a memory channel: in Kafka); 413 over maxBodyBytes (1 MiB), 405 for GET');
  return [[s.name, defined({type: 'http' as const, bind, port, ...common})]];
}
