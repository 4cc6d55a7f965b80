/** Flume's file sources (exec tail -F, TAILDIR, spooldir) as kcollect sources, with their interceptors and selectors. Part of `kcollect agent import` (../flume-import.ts). */
import type {InterceptorConfig} from '../../interceptors/schema.js';
import {Scope, type Common, type SourceInput, type TypeTable, defined} from './scope.js';
import {fromHttp, fromMultiportSyslog, fromNetcat, fromSyslog} from './net-sources.js';
import {convertInterceptors} from './interceptors.js';
import {convertSelector} from './flows.js';

export function convertSource(s: Scope, name: string): Array<[string, SourceInput]> {
  const type = s.type(SOURCE_TYPES);
  if (type === undefined) return [];
  const channels = s.list('channels');
  if (channels.length === 0) {
    s.drop('channels', 'a source needs channels; this one has none');
    return [];
  }
  const common = defined({channels, batchSize: s.positive('batchSize'), interceptors: convertInterceptors(s), selector: convertSelector(s, channels)});
  if (type === 'exec') return fromExec(s, common);
  if (type === 'netcat') return fromNetcat(s, common);
  if (type === 'syslogtcp' || type === 'syslogudp') return fromSyslog(s, type, common);
  if (type === 'multiport_syslogtcp') return fromMultiportSyslog(s, common);
  if (type === 'http') return fromHttp(s, common);
  if (type === 'taildir') return fromTaildir(s, name, common);
  return fromSpooldir(s, common);
}

const SOURCE_TYPES: TypeTable = {
  exec: 'exec',
  'org.apache.flume.source.execsource': 'exec',
  taildir: 'taildir',
  'org.apache.flume.source.taildir.taildirsource': 'taildir',
  spooldir: 'spooldir',
  'org.apache.flume.source.spooldirectorysource': 'spooldir',
  avro: 'kcollect agents do not receive Avro RPC; send to Kafka instead (`kcollect produce`)',
  thrift: 'kcollect agents do not receive Thrift RPC; send to Kafka instead (`kcollect produce`)',
  netcat: 'netcat',
  'org.apache.flume.source.netcatsource': 'netcat',
  netcatudp: 'kcollect has no netcat UDP source; use netcat (TCP), or syslogudp for syslog datagrams',
  'org.apache.flume.source.netcatudpsource': 'kcollect has no netcat UDP source; use netcat (TCP), or syslogudp for syslog datagrams',
  syslogtcp: 'syslogtcp',
  'org.apache.flume.source.syslogtcpsource': 'syslogtcp',
  syslogudp: 'syslogudp',
  'org.apache.flume.source.syslogudpsource': 'syslogudp',
  multiport_syslogtcp: 'multiport_syslogtcp',
  'org.apache.flume.source.multiportsyslogtcpsource': 'multiport_syslogtcp',
  http: 'http',
  'org.apache.flume.source.http.httpsource': 'http',
  seq: 'kcollect has no sequence generator source',
  jms: 'kcollect has no JMS source',
  'org.apache.flume.source.kafka.kafkasource': 'reading Kafka is `kcollect consume TOPIC --to file|hbase`, not an agent source',
};

function fromExec(s: Scope, common: Common): Array<[string, SourceInput]> {
  const command = s.str('command');
  const shell = s.str('shell');
  const tail = command === undefined ? 'no command given' : parseTailCommand(command);
  if (typeof tail === 'string') {
    s.drop('command', `${tail}; kcollect does not run commands (Flume's exec source gives no delivery guarantee): use a tail or spooldir source`);
    return [];
  }
  if (shell !== undefined) s.note('shell', 'not needed: the command is a plain tail, which kcollect does itself');
  s.note('command', `${tail.follow === 'descriptor' ? 'tail -f stays on the old file after a rotation; ' : ''}kcollect's tail source follows the file by identity (inode) across rotation and truncation and moves its position only once events are safe, so nothing is lost at rotation or restart (exec loses what tail printed while the agent was down or the channel full)`);
  if (tail.startNote) s.note('command', tail.startNote);
  s.noteAll(['restart', 'restartThrottle'], 'not needed: the tail source runs until the agent stops');
  s.noteAll(['batchTimeout'], 'not needed: kcollect hands a batch on as soon as the lines read so far are in it');
  const logStdErr = s.bool('logStdErr');
  if (logStdErr) s.unconvert('logStdErr', 'there is no command, so no stderr to log');
  return [[s.name, defined({type: 'tail' as const, paths: tail.paths, startAt: tail.startAt, ...common})]];
}

interface TailCommand {
  paths: string[];
  startAt: 'beginning' | 'end';
  follow: 'name' | 'descriptor';
  startNote?: string;
}

/** `tail -F PATH...` (also -f, --follow[=name], --retry, -n N): the paths to follow; else why not. */
export function parseTailCommand(command: string): TailCommand | string {
  if (/[|;&<>`$(){}]/.test(command)) return `"${command}" is a shell pipeline or uses shell syntax`;
  const words = [...command.trim().matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  if (!/(^|\/)tail$/.test(words[0] ?? '')) return `"${command}" is not a tail command`;
  let follow: TailCommand['follow'] | undefined;
  let lines: string | undefined;
  const paths: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === '-F' || w === '--follow=name') follow = 'name';
    else if (w === '-f' || w === '--follow' || w === '--follow=descriptor') follow ??= 'descriptor';
    else if (w === '--retry' || w === '-q' || w === '--quiet') continue;
    else if (w === '-n' || w === '--lines') lines = words[++i];
    else if (/^-n.+/.test(w)) lines = w.slice(2);
    else if (w.startsWith('--lines=')) lines = w.slice('--lines='.length);
    else if (/^-[fFq]+$/.test(w)) follow = w.includes('F') ? 'name' : (follow ?? 'descriptor');
    else if (w.startsWith('-')) return `"${command}": tail option ${w} has no kcollect equivalent`;
    else paths.push(w);
  }
  if (follow === undefined) return `"${command}" does not follow the file (no -F or -f), so it prints and exits`;
  if (paths.length === 0) return `"${command}" names no file`;
  if (lines === undefined) return {paths, follow, startAt: 'end', startNote: 'tail prints the last 10 lines, then follows; kcollect\'s tail starts at the end of the file on its first run (startAt: end; set beginning to read what is already there), then resumes from its own position file'};
  if (/^\+[01]$/.test(lines)) return {paths, follow, startAt: 'beginning'};
  if (/^0$/.test(lines)) return {paths, follow, startAt: 'end'};
  if (/^\+?\d+$/.test(lines)) return {paths, follow, startAt: 'end', startNote: `-n ${lines} starts partway into the file; kcollect starts at its end (startAt: end) or beginning, nothing in between`};
  return `"${command}": tail -n ${lines} is not a line count`;
}

function fromTaildir(s: Scope, name: string, common: Common): Array<[string, SourceInput]> {
  const groups = s.list('filegroups');
  const paths = new Map<string, string>();
  for (const g of groups) {
    const raw = s.str(`filegroups.${g}`);
    if (raw === undefined) {
      s.unconvert('filegroups', `file group ${g} has no filegroups.${g} path`);
      continue;
    }
    const glob = taildirGlob(raw);
    if (glob.startsWith('!')) s.unconvert(`filegroups.${g}`, glob.slice(1));
    else paths.set(g, glob);
  }
  if (paths.size === 0) {
    s.drop('filegroups', 'no file group converts to a path');
    return [];
  }
  const positionFile = s.str('positionFile');
  if (positionFile !== undefined) s.note('positionFile', 'Flume\'s JSON position file is not read: kcollect keeps its own positions (.kcollect/positions/), so its first run starts per startAt');
  const skipToEnd = s.bool('skipToEnd');
  const fileHeader = s.bool('fileHeader');
  if (fileHeader) s.unconvert('fileHeader', 'kcollect\'s tail source does not put the file path into a header');
  if (fileHeader && s.has('fileHeaderKey')) s.unconvert('fileHeaderKey', 'kcollect\'s tail source does not put the file path into a header');
  else s.unusedBecause('fileHeaderKey', 'fileHeader is false');
  if (s.bool('byteOffsetHeader')) s.unconvert('byteOffsetHeader', 'kcollect\'s tail source does not put the byte offset into a header (dead-lettered events carry their origin)');
  s.noteAll(['idleTimeout', 'writePosInterval', 'cachePatternMatching', 'maxBatchCount', 'backoffSleepIncrement', 'maxBackoffSleep'], 'not needed: kcollect\'s tail source watches and polls its files itself and writes its positions as soon as events are safe');
  const startAt = skipToEnd ? ('end' as const) : ('beginning' as const);
  // Flume's headers.<group>.<key> are static headers per file group: one static interceptor each,
  // ahead of the source's interceptors (Flume sets them when the line is read).
  const headers = new Map<string, InterceptorConfig[]>();
  for (const g of s.names('headers')) {
    const list: InterceptorConfig[] = [];
    for (const k of s.names(`headers.${g}`)) {
      const value = s.raw(`headers.${g}.${k}`);
      if (value !== undefined && paths.has(g)) list.push({type: 'static', key: k, value, preserveExisting: false});
      else if (value !== undefined) s.unconvert(`headers.${g}.${k}`, `file group ${g} is not converted`);
    }
    headers.set(g, list);
  }
  const withHeaders = [...paths.keys()].filter((g) => (headers.get(g)?.length ?? 0) > 0);
  if (withHeaders.length === 0 || paths.size === 1) {
    const statics = headers.get([...paths.keys()][0]) ?? [];
    return [[name, {type: 'tail', paths: [...paths.values()], startAt, ...common, interceptors: [...statics, ...(common.interceptors ?? [])]}]];
  }
  // Different headers per group: kcollect's interceptors are per source, so one source per group.
  s.note('filegroups', `the file groups have their own headers, so each becomes its own tail source: ${[...paths.keys()].map((g) => `${name}_${g}`).join(', ')}`);
  return [...paths].map(([g, p]) => [`${name}_${g}`, {type: 'tail', paths: [p], startAt, ...common, interceptors: [...(headers.get(g) ?? []), ...(common.interceptors ?? [])]}]);
}

/**
 * A TAILDIR path (a regex in the file name only) as a glob: `.*` is `*`, `.` is `?`, `\.` is a
 * dot, `[...]` stays. Anything else a glob cannot say comes back as `!reason`.
 */
export function taildirGlob(path: string): string {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  let re = path.slice(slash + 1);
  if (re.startsWith('^')) re = re.slice(1);
  if (re.endsWith('$') && !re.endsWith('\\$')) re = re.slice(0, -1);
  let glob = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    const next = re[i + 1];
    if (c === '.' && next === '*') {
      glob += '*';
      i++;
    } else if (c === '.' && next === '+') {
      glob += '?*';
      i++;
    } else if (c === '.') glob += '?';
    else if (c === '\\' && next !== undefined && /[.\-_]/.test(next)) {
      glob += next;
      i++;
    } else if (c === '[') {
      const close = re.indexOf(']', i + 2);
      const body = close < 0 ? '' : re.slice(i + 1, close);
      if (close < 0 || body.includes('\\') || body.includes('[') || re[close + 1] === '*' || re[close + 1] === '+') return `!the file-name regex "${re}" has a character class kcollect's globs cannot express`;
      glob += `[${body.startsWith('^') ? `!${body.slice(1)}` : body}]`;
      i = close;
    } else if (/[\w-]/.test(c) && !/[*+?{]/.test(next ?? '')) glob += c;
    else return `!the file-name regex "${re}" is beyond what kcollect's globs express (*, ?, [...]); write the path as a glob by hand`;
  }
  return dir + glob;
}

function fromSpooldir(s: Scope, common: Common): Array<[string, SourceInput]> {
  const spoolDir = s.str('spoolDir');
  if (spoolDir === undefined) {
    s.drop('type', 'a spooldir source needs spoolDir');
    return [];
  }
  const deletePolicy = s.oneOf('deletePolicy', ['never', 'immediate'] as const);
  const includePattern = s.regex('includePattern', anchored);
  const ignorePattern = s.regex('ignorePattern', anchored);
  const pollInterval = s.nonNegative('pollDelay');
  const fileHeaderKey = s.bool('fileHeader') ? (s.str('fileHeaderKey') ?? 'file') : s.unusedBecause('fileHeaderKey', 'fileHeader is false');
  const basenameHeaderKey = s.bool('basenameHeader') ? (s.str('basenameHeaderKey') ?? 'basename') : s.unusedBecause('basenameHeaderKey', 'basenameHeader is false');
  s.noteAll(['trackerDir'], 'not needed: kcollect keeps its spool ledger in the spool directory\'s .kcollect-spool');
  const tracking = s.str('trackingPolicy');
  if (tracking !== undefined && tracking !== 'rename') s.unconvert('trackingPolicy', 'kcollect marks finished files by renaming them (fileSuffix) or deleting them (deletePolicy); it does not leave them in place');
  const order = s.str('consumeOrder');
  if (order !== undefined && order !== 'oldest') s.unconvert('consumeOrder', `kcollect reads the oldest file first (by mtime, then name); "${order}" is not available`);
  if (s.bool('recursiveDirectorySearch')) s.unconvert('recursiveDirectorySearch', 'kcollect reads the spool directory itself, not its subdirectories');
  s.noteAll(['maxBackoff'], 'not needed: when the channel is full kcollect\'s source waits for room instead of backing off');
  const charset = s.str('inputCharset');
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) s.unconvert('inputCharset', `kcollect reads files as bytes and keeps lines as they are; ${charset} is not re-encoded to UTF-8`);
  s.noteAll(['decodeErrorPolicy'], 'not needed: kcollect does not decode lines, so no decode errors arise');
  const deserializer = s.str('deserializer');
  if (deserializer !== undefined && deserializer.toUpperCase() !== 'LINE') s.unconvert('deserializer', `kcollect reads lines only; the ${deserializer} deserializer has no equivalent`);
  const maxLineLength = s.positive('deserializer.maxLineLength');
  if (maxLineLength !== undefined) s.note('deserializer.maxLineLength', 'Flume splits a longer line into several events; kcollect keeps the first maxLineBytes bytes and dead-letters the line');
  if (s.has('deserializer.outputCharset')) s.note('deserializer.outputCharset', 'not needed: kcollect keeps the bytes as read');
  if (includePattern !== undefined || ignorePattern !== undefined) s.note(includePattern !== undefined ? 'includePattern' : 'ignorePattern', 'anchored with ^(?:...)$: Flume matches the whole file name, kcollect searches in it');
  return [
    [
      s.name,
      defined({type: 'spooldir' as const, spoolDir, fileSuffix: s.str('fileSuffix'), deletePolicy, includePattern, ignorePattern, pollInterval, fileHeaderKey, basenameHeaderKey, maxLineBytes: maxLineLength, ...common}),
    ],
  ];
}

function anchored(re: string): string {
  return re.startsWith('^') && re.endsWith('$') ? re : `^(?:${re})$`;
}
