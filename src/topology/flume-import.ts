/**
 * `kcollect agent import`: converts one agent of a Flume properties file into a kcollect agent
 * config. Every key of that agent is accounted for: converted, converted with a note (a behaviour
 * that differs, or a setting kcollect does not need), or listed as unconverted with the reason.
 * Nothing is dropped silently.
 */
import {stringify} from 'yaml';
import type {z} from 'zod';
import {COMPRESSIONS} from '../client/producer.js';
import {interceptorConfigSchema, type InterceptorConfig} from '../interceptors/schema.js';
import {UserError} from '../lib/errors.js';
import {agentConfigSchema} from './agent-config.js';
import {parseProperties, type Property} from './java-properties.js';

type AgentInput = z.input<typeof agentConfigSchema>;
type SourceInput = AgentInput['sources'][string];
type ChannelInput = AgentInput['channels'][string];
type SinkInput = AgentInput['sinks'][string];
type SinkGroupInput = NonNullable<AgentInput['sinkGroups']>[string];
type Selector = NonNullable<SourceInput['selector']>;

export interface FlumeImport {
  agent: string;
  config: AgentInput;
  unconverted: Array<{key: string; reason: string}>;
  notes: Array<{key: string; note: string}>;
}

export function importFlumeConfig(text: string, agent?: string, file = 'flume.conf'): FlumeImport {
  const props = parseProperties(text, file);
  const agents = [...new Set(props.filter((p) => p.key.includes('.')).map((p) => p.key.slice(0, p.key.indexOf('.'))))];
  if (agents.length === 0) throw new UserError(`${file} defines no Flume agent (no AGENT.sources = ... keys)`, 'give a Flume agent properties file, e.g. the book\'s SmartCar_Agent.conf');
  const name = agent ?? agents[0];
  if (agent === undefined && agents.length > 1) throw new UserError(`${file} defines ${agents.length} agents: ${agents.join(', ')}`, `choose one with --agent, e.g. --agent ${agents[0]}`);
  if (!agents.includes(name)) throw new UserError(`${file} defines no agent "${name}" (agents found: ${agents.join(', ')})`, `use --agent ${agents[0]}`);

  const ledger = new Ledger(props.filter((p) => p.key.startsWith(`${name}.`)), name);
  const top = new Scope(ledger, name, `agent ${name}`);
  const listed = {sources: top.list('sources'), channels: top.list('channels'), sinks: top.list('sinks'), sinkgroups: top.list('sinkgroups')};

  const channels: Record<string, ChannelInput> = {};
  for (const c of listed.channels) {
    const converted = convertChannel(new Scope(ledger, `${name}.channels.${c}`, `channel ${c}`), c);
    if (converted) channels[c] = converted;
  }
  const sinks: Record<string, SinkInput> = {};
  for (const k of listed.sinks) {
    const converted = convertSink(new Scope(ledger, `${name}.sinks.${k}`, `sink ${k}`), k);
    if (converted) sinks[k] = converted;
  }
  const sources: Record<string, SourceInput> = {};
  for (const s of listed.sources) {
    for (const [n, converted] of convertSource(new Scope(ledger, `${name}.sources.${s}`, `source ${s}`), s)) {
      sources[n] = converted;
      ledger.origins.set(n, s);
    }
  }
  const sinkGroups: Record<string, SinkGroupInput> = {};
  for (const g of listed.sinkgroups) {
    const converted = convertSinkGroup(new Scope(ledger, `${name}.sinkgroups.${g}`, `sink group ${g}`), g, sinks);
    if (converted) sinkGroups[g] = converted;
  }
  prune(ledger, name, sources, channels, sinks, sinkGroups);

  ledger.sweep(listed);
  if (Object.keys(sources).length === 0) {
    const reasons = ledger.unconverted.slice(0, 3).map((u) => `${u.key}: ${u.reason}`).join('; ');
    throw new UserError(`nothing of agent ${name} converts to a kcollect agent (no source left)${reasons ? `: ${reasons}` : ''}`, 'kcollect agents have tail, spooldir and network sources (Flume exec `tail -F`, TAILDIR, spooldir, netcat, syslogtcp, syslogudp, multiport_syslogtcp, http); see the README (Agents)');
  }
  const config: AgentInput = {name: agentName(name), sources, channels, sinks, ...(Object.keys(sinkGroups).length > 0 ? {sinkGroups} : {})};
  const checked = agentConfigSchema.safeParse(config);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new UserError(`the converted agent ${name} is not valid: ${issue.path.join('.')}: ${issue.message}`, 'fix that part of the Flume file, or convert it and edit the YAML by hand');
  }
  return {agent: name, config, unconverted: ledger.unconverted, notes: ledger.notes};
}

/**
 * The agent YAML, opening with a comment block that lists what was not converted and the notes,
 * so the file itself carries them.
 */
export function renderAgentYaml(result: FlumeImport, file: string): string {
  const lines = [`# Converted by \`kcollect agent import\` from agent ${result.agent} of ${file}.`];
  const section = (title: string, entries: Array<{key: string; text: string}>) => {
    if (entries.length === 0) return;
    lines.push('#', `# ${title}:`);
    for (const e of entries) lines.push(`#   ${e.key}: ${e.text}`.replace(/\n/g, ' '));
  };
  if (result.unconverted.length === 0) lines.push('# Every key converted.');
  section('NOT CONVERTED (edit by hand if you need them)', result.unconverted.map((u) => ({key: u.key, text: u.reason})));
  section('Notes', result.notes.map((n) => ({key: n.key, text: n.note})));
  return `${lines.join('\n')}\n${stringify(result.config, {lineWidth: 0})}`;
}

/** kcollect agent names are letters, digits, _ . - */
function agentName(flume: string): string {
  return flume.replace(/[^\w.-]/g, '_');
}

// ---------------------------------------------------------------- channels

function convertChannel(s: Scope, name: string): ChannelInput | undefined {
  const type = s.type(CHANNEL_TYPES);
  if (type === 'memory') {
    s.noteAll(['transactionCapacity', 'keep-alive', 'byteCapacityBufferPercentage'], 'not needed: kcollect batches are bounded by the sink\'s batchSize, and a full channel makes the source wait');
    return defined({type: 'memory' as const, capacity: s.positive('capacity'), byteCapacity: s.positive('byteCapacity')});
  }
  if (type === 'file') {
    const dirs = s.list('dataDirs', /,/);
    if (dirs.length > 1) s.note('dataDirs', `kcollect's file channel writes one directory: ${dirs[0]}; the others are not used`);
    const dir = dirs[0] ?? `file-channel/${name}`;
    if (dirs.length === 0) s.noteType(`no dataDirs given (Flume's default is ~/.flume/file-channel/data); kcollect uses ${dir}`);
    s.noteAll(['checkpointDir', 'backupCheckpointDir', 'useDualCheckpoints', 'checkpointInterval', 'checkpointOnClose', 'use-fast-replay', 'useLogReplayV1', 'useFastReplay'], `not needed: kcollect's file channel keeps its log and checkpoint together in ${dir}`);
    s.noteAll(['transactionCapacity', 'keep-alive', 'maxFileSize', 'minimumRequiredSpace', 'write-timeout'], 'not needed: kcollect sizes its log segments itself and batches by the sink\'s batchSize');
    return defined({type: 'file' as const, dir, capacity: s.positive('capacity')});
  }
  return undefined;
}

const CHANNEL_TYPES: TypeTable = {
  memory: 'memory',
  'org.apache.flume.channel.memorychannel': 'memory',
  file: 'file',
  'org.apache.flume.channel.file.filechannel': 'file',
  kafka: 'kcollect keeps events in memory or file channels; a Kafka channel is a kafka sink here (and `kcollect consume` drains a topic)',
  jdbc: 'kcollect has no JDBC channel; use a file channel',
  spillablememory: 'kcollect has no spillable channel; use a file channel',
};

// ---------------------------------------------------------------- sources

function convertSource(s: Scope, name: string): Array<[string, SourceInput]> {
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

interface Common {
  channels: string[];
  batchSize?: number;
  interceptors?: InterceptorConfig[];
  selector?: Selector;
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

// ---------------------------------------------------------------- network sources

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

function fromNetcat(s: Scope, common: Common): Array<[string, SourceInput]> {
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

function fromSyslog(s: Scope, type: 'syslogtcp' | 'syslogudp', common: Common): Array<[string, SourceInput]> {
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
function fromMultiportSyslog(s: Scope, common: Common): Array<[string, SourceInput]> {
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

function fromHttp(s: Scope, common: Common): Array<[string, SourceInput]> {
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

// ---------------------------------------------------------------- interceptors

function convertInterceptors(s: Scope): InterceptorConfig[] | undefined {
  const names = s.list('interceptors');
  if (names.length === 0) return undefined;
  const out: InterceptorConfig[] = [];
  for (const i of names) {
    const scope = s.child(`interceptors.${i}`, `interceptor ${i} of source ${s.name}`);
    const converted = convertInterceptor(scope);
    if (converted) out.push(converted);
  }
  return out;
}

const INTERCEPTOR_TYPES: TypeTable = {
  timestamp: 'timestamp',
  'org.apache.flume.interceptor.timestampinterceptor$builder': 'timestamp',
  host: 'host',
  'org.apache.flume.interceptor.hostinterceptor$builder': 'host',
  static: 'static',
  'org.apache.flume.interceptor.staticinterceptor$builder': 'static',
  regex_filter: 'regex_filter',
  'org.apache.flume.interceptor.regexfilteringinterceptor$builder': 'regex_filter',
  regex_extractor: 'regex_extractor',
  'org.apache.flume.interceptor.regexextractorinterceptor$builder': 'regex_extractor',
  search_replace: 'search_replace',
  'org.apache.flume.interceptor.searchandreplaceinterceptor$builder': 'search_replace',
  uuid: 'uuid',
  'org.apache.flume.sink.solr.morphline.uuidinterceptor$builder': 'uuid',
  remove_header: 'kcollect has no remove_header interceptor; the headers stay on the events',
  'org.apache.flume.interceptor.removeheaderinterceptor$builder': 'kcollect has no remove_header interceptor; the headers stay on the events',
  'org.apache.flume.sink.solr.morphline.morphlineinterceptor$builder': 'kcollect does not run morphlines; regex_extractor and search_replace cover the common steps',
};

const CUSTOM_INTERCEPTOR = 'a custom Java interceptor class: kcollect cannot run Java code, so events pass without it; rebuild its effect from search_replace, regex_extractor, static or timestamp interceptors, or change the YAML by hand';

function convertInterceptor(s: Scope): InterceptorConfig | undefined {
  const type = s.type(INTERCEPTOR_TYPES, CUSTOM_INTERCEPTOR);
  let config: Record<string, unknown> | undefined;
  switch (type) {
    case 'timestamp':
      config = {type, headerName: s.str('headerName'), preserveExisting: s.optBool('preserveExisting')};
      break;
    case 'host':
      config = {type, hostHeader: s.str('hostHeader'), useIP: s.optBool('useIP'), preserveExisting: s.optBool('preserveExisting')};
      break;
    case 'static': {
      const key = s.raw('key');
      const value = s.raw('value');
      if (key === undefined || value === undefined) s.noteType(`Flume's defaults filled in: ${key === undefined ? 'key = "key"' : ''}${key === undefined && value === undefined ? ', ' : ''}${value === undefined ? 'value = "value"' : ''}`);
      config = {type, key: key ?? 'key', value: value ?? 'value', preserveExisting: s.optBool('preserveExisting')};
      break;
    }
    case 'regex_filter':
      config = {type, regex: s.raw('regex'), excludeEvents: s.optBool('excludeEvents')};
      break;
    case 'uuid':
      config = {type, headerName: s.str('headerName'), prefix: s.raw('prefix'), preserveExisting: s.optBool('preserveExisting')};
      break;
    case 'search_replace': {
      const charset = s.str('charset');
      if (charset !== undefined && !/^utf-?8$/i.test(charset)) s.unconvert('charset', `kcollect treats bodies as UTF-8; ${charset} is not supported`);
      else if (charset !== undefined) s.note('charset', 'not needed: kcollect treats bodies as UTF-8');
      config = {type, searchPattern: s.raw('searchPattern'), replaceString: s.raw('replaceString')};
      break;
    }
    case 'regex_extractor':
      config = regexExtractor(s);
      break;
  }
  if (config === undefined) return undefined;
  const checked = interceptorConfigSchema.safeParse(defined(config));
  if (!checked.success) {
    const issue = checked.error.issues[0];
    s.drop('type', `${issue.path.join('.') || 'options'}: ${issue.message}`);
    return undefined;
  }
  return defined(config) as InterceptorConfig;
}

const SERIALIZERS: Record<string, 'default' | 'millis'> = {
  default: 'default',
  'org.apache.flume.interceptor.regexextractorinterceptorpassthroughserializer': 'default',
  regexextractorinterceptorpassthroughserializer: 'default',
  'org.apache.flume.interceptor.regexextractorinterceptormillisserializer': 'millis',
  regexextractorinterceptormillisserializer: 'millis',
};

function regexExtractor(s: Scope): Record<string, unknown> | undefined {
  const serializers: Array<Record<string, unknown>> = [];
  for (const n of s.list('serializers')) {
    const raw = s.str(`serializers.${n}.type`);
    const type = raw === undefined ? 'default' : SERIALIZERS[raw.toLowerCase()];
    if (type === undefined) {
      // Serializers pair with the regex's groups by position, so one missing shifts the rest.
      s.drop(`serializers.${n}.type`, `serializer class ${raw} is not one kcollect has (default, millis); the extractor is not converted because its serializers pair with the regex groups by position`);
      return undefined;
    }
    const pattern = s.raw(`serializers.${n}.pattern`);
    serializers.push(defined({name: s.str(`serializers.${n}.name`), type: type === 'default' ? undefined : type, pattern}));
  }
  return {type: 'regex_extractor', regex: s.raw('regex'), serializers};
}

// ---------------------------------------------------------------- selectors and sink groups

function convertSelector(s: Scope, channels: string[]): Selector | undefined {
  if (s.names('selector').length === 0 && !s.has('selector.type')) return undefined;
  const sel = s.child('selector', `channel selector of source ${s.name}`);
  const type = sel.type(SELECTOR_TYPES, 'a custom selector class; kcollect has replicating and multiplexing', 'replicating');
  if (type === undefined) return undefined;
  const optional = sel.list('optional');
  let selector: Selector;
  if (type === 'replicating') selector = {type: 'replicating', ...(optional.length > 0 ? {optional} : {})};
  else {
    const mapping: Record<string, string[]> = {};
    for (const v of sel.names('mapping')) mapping[v] = sel.list(`mapping.${v}`);
    const fallback = sel.list('default');
    if (fallback.length === 0) {
      sel.drop('type', 'kcollect\'s multiplexing selector needs `default` channels (Flume drops unmapped events); without a selector every event goes to every channel');
      return undefined;
    }
    selector = {type: 'multiplexing', header: sel.str('header') ?? 'flume.selector.header', mapping, default: fallback, ...(optional.length > 0 ? {optional} : {})};
  }
  const stray = [...(selector.optional ?? []), ...(selector.type === 'multiplexing' ? [...selector.default, ...Object.values(selector.mapping).flat()] : [])].filter((c) => !channels.includes(c));
  if (stray.length > 0) {
    sel.drop('type', `it names channels the source does not write to (${[...new Set(stray)].join(', ')}); without a selector every event goes to every channel`);
    return undefined;
  }
  return selector;
}

const SELECTOR_TYPES: TypeTable = {replicating: 'replicating', multiplexing: 'multiplexing'};

function convertSinkGroup(s: Scope, name: string, sinks: Record<string, SinkInput>): SinkGroupInput | undefined {
  const members = s.list('sinks');
  const type = s.child('processor', `processor of sink group ${name}`).type(PROCESSOR_TYPES, 'a custom sink processor class; kcollect has failover and load_balance', 'default');
  if (type === undefined) return undefined;
  if (type === 'default') {
    s.drop('processor.type', 'the default processor runs a single sink; kcollect runs that sink alone');
    return undefined;
  }
  const missing = members.filter((k) => !(k in sinks));
  if (members.length < 2 || missing.length > 0) {
    s.drop('sinks', members.length < 2 ? 'a sink group needs two or more sinks' : `its sinks ${missing.join(', ')} were not converted`);
    return undefined;
  }
  if (type === 'failover') {
    const priority: Record<string, number> = {};
    for (const k of s.names('processor.priority')) {
      const p = s.int(`processor.priority.${k}`);
      if (p !== undefined) priority[k] = p;
    }
    return defined({processor: 'failover' as const, sinks: members, priority, maxPenalty: s.nonNegative('processor.maxpenalty')});
  }
  const selector = s.oneOf('processor.selector', ['round_robin', 'random'] as const);
  return defined({processor: 'load_balance' as const, sinks: members, selector, backoff: s.optBool('processor.backoff'), maxTimeout: s.nonNegative('processor.selector.maxTimeOut')});
}

const PROCESSOR_TYPES: TypeTable = {default: 'default', failover: 'failover', load_balance: 'load_balance'};

// ---------------------------------------------------------------- sinks

function convertSink(s: Scope, name: string): SinkInput | undefined {
  const type = s.type(SINK_TYPES);
  if (type === undefined) return undefined;
  const channel = s.str('channel');
  if (channel === undefined) {
    s.drop('type', `sink ${name} has no channel`);
    return undefined;
  }
  switch (type) {
    case 'kafka':
      return kafkaSink(s, channel);
    case 'logger':
      return defined({type, channel, maxBytesToLog: s.positive('maxBytesToLog')});
    case 'file_roll':
      return fileRollSink(s, channel);
    case 'hdfs':
      return hdfsSink(s, channel);
    case 'hbase':
      return hbaseSink(s, channel);
  }
  return undefined;
}

const SINK_TYPES: TypeTable = {
  'org.apache.flume.sink.kafka.kafkasink': 'kafka',
  logger: 'logger',
  'org.apache.flume.sink.loggersink': 'logger',
  file_roll: 'file_roll',
  'org.apache.flume.sink.rollingfilesink': 'file_roll',
  hdfs: 'hdfs',
  'org.apache.flume.sink.hdfs.hdfseventsink': 'hdfs',
  hbase: 'hbase',
  hbase2: 'hbase',
  asynchbase: 'hbase',
  'org.apache.flume.sink.hbase.hbasesink': 'hbase',
  'org.apache.flume.sink.hbase2.hbase2sink': 'hbase',
  'org.apache.flume.sink.hbase.asynchbasesink': 'hbase',
  avro: 'kcollect agents do not send Avro RPC; send to Kafka (a kafka sink) and let the next stage consume the topic',
  thrift: 'kcollect agents do not send Thrift RPC; send to Kafka (a kafka sink) instead',
  null: 'kcollect has no null sink; a logger sink with a small maxBytesToLog is the nearest',
  irc: 'kcollect has no IRC sink',
  'org.apache.flume.sink.elasticsearch.elasticsearchsink': 'kcollect has no Elasticsearch sink',
  'org.apache.flume.sink.solr.morphline.morphlinesolrsink': 'kcollect has no Solr sink',
};

function kafkaSink(s: Scope, channel: string): SinkInput {
  const topic = s.preferred('kafka.topic', 'topic');
  const brokers = s.preferred('kafka.bootstrap.servers', 'brokerList');
  const batchSize = s.preferredPositive('flumeBatchSize', 'batchSize');
  const rawAcks = s.preferred('kafka.producer.acks', 'requiredAcks');
  const ackKey = s.has('kafka.producer.acks') ? 'kafka.producer.acks' : 'requiredAcks';
  let acks: 'all' | '1' | '0' | undefined;
  if (rawAcks === undefined) s.noteType('Flume\'s KafkaSink defaults to acks=1; kcollect defaults to an idempotent producer with acks=all (no loss when a leader fails, no duplicates on retry)');
  else if (rawAcks === '-1' || rawAcks === 'all') acks = 'all';
  else if (rawAcks === '1' || rawAcks === '0') {
    acks = rawAcks;
    s.note(ackKey, `acks=${rawAcks} kept, so the producer is not idempotent (idempotence needs acks=all); kcollect's default is idempotent with acks=all (no loss when a leader fails, no duplicates on retry): delete the acks and idempotent lines to get it`);
  } else s.unconvert(ackKey, `"${rawAcks}" is not an acks value (1, 0, -1, all)`);
  if (topic === undefined) s.noteType('no topic given: Flume\'s default default-flume-topic is used');
  if (brokers === undefined) s.noteType('no brokers given: the agent uses --brokers, the profile, or 127.0.0.1:9092');
  const compression = s.str('kafka.producer.compression.type');
  let codec: (typeof COMPRESSIONS)[number] | undefined;
  if (compression !== undefined && (COMPRESSIONS as readonly string[]).includes(compression)) codec = compression as typeof codec;
  else if (compression !== undefined) s.unconvert('kafka.producer.compression.type', `kcollect compresses with ${COMPRESSIONS.join(', ')}`);
  for (const key of s.keysUnder('kafka.producer')) {
    if (!s.isUsed(key)) s.unconvert(key, 'kcollect does not pass producer properties through (it sets batching, retries and acks itself)');
  }
  if (s.bool('useFlumeEventFormat')) s.unconvert('useFlumeEventFormat', 'kcollect sends the body as the record value; headers are not wrapped in an Avro envelope');
  const override = s.optBool('allowTopicOverride');
  if (s.has('topicHeader') || override === true) s.unconvert(s.has('topicHeader') ? 'topicHeader' : 'allowTopicOverride', 'kcollect sends every event to the sink\'s topic; it does not take the topic from a header');
  for (const key of ['partitionIdHeader', 'defaultPartitionId']) {
    if (s.has(key)) s.unconvert(key, 'kcollect partitions by the record key (the `key` header, as in Flume), not by a fixed partition');
  }
  return defined({
    type: 'kafka' as const,
    channel,
    topic: topic ?? 'default-flume-topic',
    brokers,
    key: {header: 'key'},
    acks,
    idempotent: acks === '1' || acks === '0' ? false : undefined,
    compression: codec,
    batchSize,
  });
}

function fileRollSink(s: Scope, channel: string): SinkInput | undefined {
  const path = s.str('sink.directory');
  if (path === undefined) {
    s.drop('type', 'a file_roll sink needs sink.directory');
    return undefined;
  }
  const seconds = s.nonNegative('sink.rollInterval');
  const manager = s.str('sink.pathManager');
  if (manager !== undefined) s.note('sink.pathManager', 'kcollect names its files itself (prefix, time, sequence, suffix)');
  const ext = s.str('sink.pathManager.extension');
  textSerializer(s, 'sink.serializer');
  s.noteType('Flume\'s file_roll has no size roll; kcollect also rolls at rollSize (default 64 MiB)');
  return defined({
    type: 'file_roll' as const,
    channel,
    path,
    filePrefix: s.raw('sink.pathManager.prefix'),
    fileSuffix: ext === undefined ? undefined : `.${ext}`,
    rollInterval: (seconds ?? 30) * 1000,
    batchSize: s.positive('batchSize'),
  });
}

function textSerializer(s: Scope, key: string): void {
  const serializer = s.str(key);
  if (serializer !== undefined && serializer.toUpperCase() !== 'TEXT') s.unconvert(key, `kcollect writes each body as a line of text; the ${serializer} serializer has no equivalent`);
  if (s.has(`${key}.appendNewline`) && !s.bool(`${key}.appendNewline`)) s.unconvert(`${key}.appendNewline`, 'kcollect always ends each event with a newline');
}

function hdfsSink(s: Scope, channel: string): SinkInput | undefined {
  const raw = s.str('hdfs.path');
  if (raw === undefined) {
    s.drop('type', 'an hdfs sink needs hdfs.path');
    return undefined;
  }
  const path = raw.replace(/^[a-z][\w+.-]*:\/\/[^/]*/i, '') || '/';
  s.note('hdfs.path', `kcollect has no HDFS client: this becomes a file_roll sink writing local files under ${path} (same path escapes, roll triggers and in-use suffix); copy them to HDFS with \`hdfs dfs -put\` if you need them there`);
  const fileType = s.str('hdfs.fileType');
  if (fileType !== undefined && fileType !== 'DataStream') s.unconvert('hdfs.fileType', `kcollect writes plain text files (DataStream); ${fileType} has no equivalent`);
  if (s.has('hdfs.writeFormat')) s.note('hdfs.writeFormat', 'not needed: it applies to SequenceFiles; kcollect writes text');
  if (s.bool('hdfs.useLocalTimeStamp')) s.unconvert('hdfs.useLocalTimeStamp', 'kcollect takes the time for path escapes from the timestamp header only; add a timestamp interceptor to the source instead');
  const zone = s.str('hdfs.timeZone');
  if (zone !== undefined && !/^(UTC|GMT|Etc\/UTC)$/i.test(zone)) s.unconvert('hdfs.timeZone', 'kcollect formats path times in UTC');
  for (const k of ['hdfs.round', 'hdfs.roundValue', 'hdfs.roundUnit']) {
    if (s.has(k)) s.unconvert(k, 'kcollect does not round the time in path escapes');
  }
  for (const k of ['hdfs.codeC']) {
    if (s.has(k)) s.unconvert(k, 'kcollect writes uncompressed files');
  }
  s.noteAll(['hdfs.callTimeout', 'hdfs.threadsPoolSize', 'hdfs.rollTimerPoolSize', 'hdfs.maxOpenFiles', 'hdfs.closeTries', 'hdfs.retryInterval', 'hdfs.minBlockReplicas', 'hdfs.emptyInUseSuffix', 'hdfs.kerberosPrincipal', 'hdfs.kerberosKeytab', 'hdfs.proxyUser'], 'not needed: an HDFS client setting, and kcollect writes local files');
  textSerializer(s, 'serializer');
  const rollSize = s.nonNegative('hdfs.rollSize') ?? 1024;
  if (rollSize === 0) s.note('hdfs.rollSize', 'kcollect cannot turn size rolls off; it rolls at its default, 64 MiB');
  const seconds = (key: string, fallback?: number) => {
    const v = s.nonNegative(key) ?? fallback;
    return v === undefined ? undefined : v * 1000;
  };
  return defined({
    type: 'file_roll' as const,
    channel,
    path,
    filePrefix: s.raw('hdfs.filePrefix') ?? 'FlumeData',
    fileSuffix: s.raw('hdfs.fileSuffix'),
    inUsePrefix: s.raw('hdfs.inUsePrefix'),
    inUseSuffix: s.raw('hdfs.inUseSuffix'),
    rollSize: rollSize === 0 ? undefined : rollSize,
    rollCount: s.nonNegative('hdfs.rollCount') ?? 10,
    rollInterval: seconds('hdfs.rollInterval', 30),
    idleTimeout: seconds('hdfs.idleTimeout'),
    batchSize: s.positive('hdfs.batchSize'),
  });
}

function hbaseSink(s: Scope, channel: string): SinkInput | undefined {
  const table = s.str('table');
  const columnFamily = s.str('columnFamily');
  if (table === undefined || columnFamily === undefined) {
    s.drop('type', `an HBase sink needs ${table === undefined ? 'table' : 'columnFamily'}`);
    return undefined;
  }
  const gateway = 'kcollect writes through the HBase REST gateway, not ZooKeeper: set url (default http://127.0.0.1:8080, `kcollect hbase serve`)';
  s.noteAll(['zookeeperQuorum', 'znodeParent'], gateway);
  if (!s.has('zookeeperQuorum')) s.noteType(gateway);
  s.noteAll(['timeout'], 'not needed: kcollect waits for each batch\'s write before taking the next');
  const serializer = s.str('serializer');
  const rows = 'kcollect\'s hbase sink splits each line at `delimiter` (default ,) into `columns` and builds the row key from `rowKey` (defaults: the book\'s driving-log columns, row key {date:reverse}-{car_number}); set columns, delimiter and rowKey by hand';
  if (serializer !== undefined) s.unconvert('serializer', `Flume's ${serializer.split('.').pop()}: ${rows}`);
  else s.noteType(`Flume's default serializer writes the whole body to one column; ${rows}`);
  for (const key of s.keysUnder('serializer')) {
    if (!s.isUsed(key)) s.unconvert(key, `a serializer option; ${rows}`);
  }
  if (s.bool('coalesceIncrements')) s.unconvert('coalesceIncrements', 'kcollect writes cells, not increments');
  return defined({type: 'hbase' as const, channel, table, columnFamily, batchSize: s.positive('batchSize')});
}

// ---------------------------------------------------------------- references

/**
 * Drops what points at something that was not converted: sinks on a missing channel, channels no
 * sink drains (kcollect refuses those: they would fill and stop their sources), a source's
 * channels that are gone, and sources left with no channel. Each drop is listed.
 */
function prune(ledger: Ledger, agent: string, sources: Record<string, SourceInput>, channels: Record<string, ChannelInput>, sinks: Record<string, SinkInput>, groups: Record<string, SinkGroupInput>): void {
  for (const [k, sink] of Object.entries(sinks)) {
    if (!(sink.channel in channels)) {
      ledger.drop(`${agent}.sinks.${k}`, `${agent}.sinks.${k}.channel`, `channel ${sink.channel} was not converted`);
      delete sinks[k];
    }
  }
  for (const [g, group] of Object.entries(groups)) {
    if (group.sinks.some((k) => !(k in sinks))) {
      ledger.drop(`${agent}.sinkgroups.${g}`, `${agent}.sinkgroups.${g}.sinks`, 'one of its sinks was not converted');
      delete groups[g];
    }
  }
  const drained = new Set(Object.values(sinks).map((k) => k.channel));
  for (const c of Object.keys(channels)) {
    if (!drained.has(c)) {
      ledger.drop(`${agent}.channels.${c}`, `${agent}.channels.${c}.type`, 'no converted sink takes from this channel, and kcollect refuses a channel nobody drains (it would fill and stop its sources)');
      delete channels[c];
    }
  }
  for (const [n, source] of Object.entries(sources)) {
    const flume = ledger.sourceOf(n);
    const gone = source.channels.filter((c) => !(c in channels));
    if (gone.length === 0) continue;
    source.channels = source.channels.filter((c) => c in channels);
    if (source.channels.length === 0) {
      ledger.drop(`${agent}.sources.${flume}`, `${agent}.sources.${flume}.channels`, `its channels (${gone.join(', ')}) were not converted`);
      delete sources[n];
      continue;
    }
    ledger.unconvertExtra(`${agent}.sources.${flume}.channels`, `no longer writes to ${gone.join(', ')}: not converted`);
    const sel = source.selector;
    const named = sel ? [...(sel.optional ?? []), ...(sel.type === 'multiplexing' ? [...sel.default, ...Object.values(sel.mapping).flat()] : [])] : [];
    if (named.some((c) => gone.includes(c))) {
      ledger.drop(`${agent}.sources.${flume}.selector`, `${agent}.sources.${flume}.selector.type`, `it names channels that were not converted (${gone.join(', ')}); without a selector every event goes to every channel`);
      delete source.selector;
    }
  }
}

// ---------------------------------------------------------------- helpers

/** Flume type names (lower case; aliases are case-insensitive) to ours, or to why not. */
type TypeTable = Record<string, string>;

function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}


/**
 * The keys of one agent and what became of each: read (used), noted, or unconverted with a
 * reason. `sweep` lists whatever was never read, so no key goes missing.
 */
class Ledger {
  private readonly props: Map<string, Property>;
  private readonly used = new Set<string>();
  private readonly reasons = new Map<string, string>();
  private readonly noted: Array<{key: string; note: string}> = [];
  private readonly lists = new Map<string, string[]>();
  readonly scopes = new Map<string, string>();
  /** kcollect source name -> Flume source name (a TAILDIR source may become several). */
  readonly origins = new Map<string, string>();

  constructor(props: Property[], readonly agent: string) {
    this.props = new Map(props.map((p) => [p.key, p]));
  }

  get unconverted(): Array<{key: string; reason: string}> {
    const line = (key: string) => this.props.get(key)?.line ?? Number.MAX_SAFE_INTEGER;
    return [...this.reasons].sort((a, b) => line(a[0]) - line(b[0])).map(([key, reason]) => ({key, reason}));
  }

  get notes(): Array<{key: string; note: string}> {
    const line = (key: string) => this.props.get(key)?.line ?? Number.MAX_SAFE_INTEGER;
    return [...this.noted].sort((a, b) => line(a.key) - line(b.key));
  }

  has(key: string): boolean {
    return this.props.has(key);
  }

  isUsed(key: string): boolean {
    return this.used.has(key);
  }

  /** The value as written (Flume does not trim), marking the key used. */
  raw(key: string): string | undefined {
    const p = this.props.get(key);
    if (p === undefined) return undefined;
    this.used.add(key);
    return p.value;
  }

  keysUnder(prefix: string): string[] {
    return [...this.props.keys()].filter((k) => k.startsWith(`${prefix}.`));
  }

  recordList(key: string, names: string[]): void {
    this.lists.set(key, names);
  }

  sourceOf(kcollectName: string): string {
    return this.origins.get(kcollectName) ?? kcollectName;
  }

  note(key: string, note: string): void {
    this.used.add(key);
    this.noted.push({key, note});
  }

  unconvert(key: string, reason: string): void {
    this.used.add(key);
    this.reasons.set(key, reason);
  }

  /** A second reason for a key (it was converted only in part). */
  unconvertExtra(key: string, reason: string): void {
    const before = this.reasons.get(key);
    this.unconvert(key, before ? `${before}; ${reason}` : reason);
  }

  /** A whole component is not converted: `mainKey` says why, its other keys point at it. */
  drop(prefix: string, mainKey: string, reason: string): void {
    const keys = this.keysUnder(prefix);
    for (let i = this.noted.length - 1; i >= 0; i--) {
      if (this.noted[i].key.startsWith(`${prefix}.`)) this.noted.splice(i, 1);
    }
    this.unconvert(mainKey, reason);
    const what = prefix.slice(this.agent.length + 1);
    for (const k of keys) {
      if (!this.reasons.has(k)) this.unconvert(k, `belongs to ${what}, which is not converted`);
    }
  }

  /** Every key nobody read becomes unconverted, with the most specific reason we can give. */
  sweep(listed: Record<string, string[]>): void {
    for (const key of this.props.keys()) {
      if (this.used.has(key)) continue;
      this.unconvert(key, this.reasonFor(key, listed));
    }
  }

  private reasonFor(key: string, listed: Record<string, string[]>): string {
    const parts = key.split('.');
    if (parts.length === 2) return `not an agent setting kcollect knows (${this.agent}.sources, .channels, .sinks, .sinkgroups)`;
    const kinds: Record<string, string> = {sources: 'source', channels: 'channel', sinks: 'sink', sinkgroups: 'sink group'};
    if (parts[1] in kinds && !listed[parts[1]].includes(parts[2])) return `${kinds[parts[1]]} ${parts[2]} is not listed in ${this.agent}.${parts[1]}, so Flume does not run it either`;
    for (let i = parts.length - 2; i >= 2; i--) {
      const names = this.lists.get(parts.slice(0, i).join('.'));
      if (names && !names.includes(parts[i])) return `${parts[i]} is not listed in ${parts.slice(0, i).join('.')}`;
    }
    let owner = '';
    for (const prefix of this.scopes.keys()) {
      if (key.startsWith(`${prefix}.`) && prefix.length > owner.length) owner = prefix;
    }
    const what = this.scopes.get(owner);
    return what ? `not an option kcollect converts for ${what}` : 'kcollect has no equivalent';
  }
}

/** The options of one component (`AGENT.sources.NAME`), read by their Flume names. */
class Scope {
  readonly name: string;

  constructor(
    private readonly ledger: Ledger,
    readonly prefix: string,
    private readonly what: string,
  ) {
    this.name = prefix.slice(prefix.lastIndexOf('.') + 1);
    ledger.scopes.set(prefix, what);
  }

  child(sub: string, what: string): Scope {
    const scope = new Scope(this.ledger, this.key(sub), what);
    return Object.assign(scope, {name: this.name});
  }

  key(option: string): string {
    return `${this.prefix}.${option}`;
  }

  has(option: string): boolean {
    return this.ledger.has(this.key(option));
  }

  isUsed(option: string): boolean {
    return this.ledger.isUsed(this.key(option));
  }

  raw(option: string): string | undefined {
    return this.ledger.raw(this.key(option));
  }

  /** Trimmed; an empty value counts as not set (and says so). */
  str(option: string): string | undefined {
    const v = this.raw(option)?.trim();
    if (v === '') this.note(option, 'empty, so treated as not set');
    return v || undefined;
  }

  list(option: string, separator: RegExp = /\s+/): string[] {
    const names = (this.str(option) ?? '').split(separator).map((n) => n.trim()).filter(Boolean);
    this.ledger.recordList(this.key(option), names);
    return names;
  }

  /** Java's Boolean.parseBoolean: "true" in any case is true, anything else false. */
  bool(option: string): boolean {
    return this.optBool(option) ?? false;
  }

  optBool(option: string): boolean | undefined {
    const v = this.str(option);
    return v === undefined ? undefined : v.toLowerCase() === 'true';
  }

  int(option: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
    const v = this.str(option);
    if (v === undefined) return undefined;
    const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
    if (Number.isSafeInteger(n) && n >= min) return n;
    this.unconvert(option, `"${v}" is not a whole number${min > Number.MIN_SAFE_INTEGER ? ` of at least ${min}` : ''}`);
    return undefined;
  }

  positive(option: string): number | undefined {
    return this.int(option, 1);
  }

  nonNegative(option: string): number | undefined {
    return this.int(option, 0);
  }

  oneOf<T extends string>(option: string, values: readonly T[]): T | undefined {
    const v = this.str(option);
    if (v === undefined) return undefined;
    if ((values as readonly string[]).includes(v)) return v as T;
    this.unconvert(option, `"${v}" is not one of ${values.join(', ')}`);
    return undefined;
  }

  regex(option: string, rewrite: (re: string) => string): string | undefined {
    const v = this.raw(option);
    if (v === undefined) return undefined;
    const re = rewrite(v);
    try {
      new RegExp(re);
      return re;
    } catch (err) {
      this.unconvert(option, `not a regular expression kcollect can compile: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** The current Flume name, else the deprecated one (Flume 1.6's, as in the book). */
  preferred(current: string, deprecated: string): string | undefined {
    const now = this.str(current);
    if (now !== undefined && this.has(deprecated)) this.note(deprecated, `not used: ${current} takes precedence`);
    return now ?? this.str(deprecated);
  }

  preferredPositive(current: string, deprecated: string): number | undefined {
    if (this.has(current) && this.has(deprecated)) this.note(deprecated, `not used: ${current} takes precedence`);
    return this.has(current) ? this.positive(current) : this.positive(deprecated);
  }

  /** The distinct names right below `sub` (e.g. the groups in headers.<group>.<key>). */
  names(sub: string): string[] {
    const start = this.key(sub).length + 1;
    return [...new Set(this.ledger.keysUnder(this.key(sub)).map((k) => k.slice(start).split('.')[0]))];
  }

  keysUnder(sub: string): string[] {
    const start = this.prefix.length + 1;
    return this.ledger.keysUnder(this.key(sub)).map((k) => k.slice(start));
  }

  note(option: string, note: string): void {
    this.ledger.note(this.key(option), note);
  }

  noteType(note: string): void {
    this.note('type', note);
  }

  /** The same note for each of these options that the file sets. */
  noteAll(options: string[], note: string): void {
    for (const o of options) if (this.has(o)) this.note(o, note);
  }

  unconvert(option: string, reason: string): void {
    this.ledger.unconvert(this.key(option), reason);
  }

  /** The whole component is not converted; `option` carries the reason. */
  drop(option: string, reason: string): void {
    this.ledger.drop(this.prefix, this.key(option), reason);
  }

  /** A set option that does nothing because of another: noted, and undefined. */
  unusedBecause(option: string, why: string): undefined {
    if (this.has(option)) this.note(option, `not used: ${why}`);
    return undefined;
  }

  /** Our type for the component's `type`, or undefined once the component is dropped. */
  type(table: TypeTable, unknown?: string, fallback?: string): string | undefined {
    const raw = this.str('type');
    if (raw === undefined && fallback !== undefined) return fallback;
    if (raw === undefined) {
      this.drop('type', `${this.what} has no type`);
      return undefined;
    }
    const ours = table[raw.toLowerCase()];
    if (ours !== undefined && !ours.includes(' ')) return ours;
    this.drop('type', ours ?? unknown ?? `${raw} has no kcollect equivalent`);
    return undefined;
  }
}
