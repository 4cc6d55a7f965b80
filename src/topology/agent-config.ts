import fs from 'node:fs';
import {z} from 'zod';
import {interceptorConfigSchema} from '../interceptors/schema.js';
import {UserError} from '../lib/errors.js';
import {byteSize, durationMs} from '../lib/config-units.js';
import {ACKS, COMPRESSIONS} from '../client/client-settings.js';
import {forwardSinkSchema, forwardSourceSchema} from '../forward/config.js';
import {TIME_FROM} from '../sinks/path-escapes.js';
import {httpSourceSchema, netcatSourceSchema, syslogTcpSourceSchema, syslogUdpSourceSchema} from '../sources/net/config.js';
import {parseYaml} from './yaml-config.js';
import {httpClientKeys} from './http-client-config.js';

const regex = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  {message: 'not a valid regular expression'},
);

const name = z.string().regex(/^[\w.-]+$/, 'use letters, digits, _ . -');
const count = z.number().int().positive();

/** Flume's channel selectors: replicating (every channel) or multiplexing (by a header's value). */
const selector = z.discriminatedUnion('type', [
  z.strictObject({type: z.literal('replicating'), optional: z.array(name).default([])}),
  z.strictObject({type: z.literal('multiplexing'), header: z.string().min(1), mapping: z.record(z.string(), z.array(name).min(1)), default: z.array(name).min(1), optional: z.array(name).default([])}),
]);

const sourceCommon = {
  channels: z.array(name).min(1),
  selector: selector.optional(),
  interceptors: z.array(interceptorConfigSchema).default([]),
  batchSize: count.optional(),
  maxLineBytes: byteSize.optional(),
};

const tailSource = z.strictObject({
  type: z.literal('tail'),
  paths: z.array(z.string().min(1)).min(1),
  positionFile: z.string().optional(),
  startAt: z.enum(['beginning', 'end']).default('beginning'),
  multilineStart: regex.optional(),
  multilineTimeout: durationMs.optional(),
  pollInterval: durationMs.optional(),
  linger: durationMs.optional(),
  ...sourceCommon,
});

const spoolSource = z.strictObject({
  type: z.literal('spooldir'),
  spoolDir: z.string().min(1),
  fileSuffix: z.string().optional(),
  deletePolicy: z.enum(['never', 'immediate']).optional(),
  includePattern: regex.optional(),
  ignorePattern: regex.optional(),
  tempSuffixes: z.array(z.string()).optional(),
  stableFor: durationMs.optional(),
  pollInterval: durationMs.optional(),
  fileHeaderKey: z.string().optional(),
  basenameHeaderKey: z.string().optional(),
  ...sourceCommon,
});

const forwardSource = z.strictObject({...forwardSourceSchema.shape, ...sourceCommon});

/** Network sources read no files: no maxLineBytes (netcat has Flume's maxLineLength, syslogtcp eventSize). */
const netCommon = {channels: sourceCommon.channels, selector: sourceCommon.selector, interceptors: sourceCommon.interceptors, batchSize: sourceCommon.batchSize};
const netcatSource = z.strictObject({...netcatSourceSchema.shape, ...netCommon});
const syslogTcpSource = z.strictObject({...syslogTcpSourceSchema.shape, ...netCommon});
const syslogUdpSource = z.strictObject({...syslogUdpSourceSchema.shape, ...netCommon});
const httpSource = z.strictObject({...httpSourceSchema.shape, ...netCommon});

const memoryChannel = z.strictObject({type: z.literal('memory'), capacity: count.default(100_000), byteCapacity: byteSize.default(64 * 1024 * 1024)});
const fileChannel = z.strictObject({type: z.literal('file'), dir: z.string().min(1), capacity: count.default(1_000_000), byteCapacity: byteSize.default(1024 * 1024 * 1024)});

/** dlqTopic: refused events go there (Kafka, on the agent's brokers); kafka sinks default to TOPIC.dlq. */
const sinkCommon = {channel: name, batchSize: count.default(1000), dlqTopic: z.string().min(1).optional()};

/**
 * What a kafka sink sends as the record value: the line (text), or an Avro record in the
 * Confluent wire format, its schema (smartcar-driving, smartcar-status or an .avsc file)
 * registered under TOPIC-value when the agent starts.
 */
const kafkaFormat = z.discriminatedUnion('type', [
  z.strictObject({type: z.literal('text')}),
  z.strictObject({type: z.literal('avro'), schema: z.string().min(1), registryUrl: z.string().url().default('http://127.0.0.1:8081'), delimiter: z.string().min(1).default(','), ...httpClientKeys}),
]);

/** Kafka client properties (librdkafka/Java names), values as text. */
const clientProperties = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

const kafkaSink = z.strictObject({
  type: z.literal('kafka'),
  topic: z.string().min(1),
  brokers: z.string().optional(),
  /** This sink's own client properties (with its own brokers: another cluster); else the agent's. */
  properties: clientProperties.optional(),
  key: z.strictObject({header: z.string().optional(), field: count.optional(), separator: z.string().min(1).optional()}).optional(),
  // Settled together by producerDelivery (acks 0 or 1 turn the idempotent default off).
  acks: z.enum(ACKS).optional(),
  compression: z.enum(COMPRESSIONS).default('none'),
  idempotent: z.boolean().optional(),
  format: kafkaFormat.default({type: 'text'}),
  ...sinkCommon,
});

const forwardSink = z.strictObject({...forwardSinkSchema.shape, ...sinkCommon});

const loggerSink = z.strictObject({
  type: z.literal('logger'),
  maxBytesToLog: count.default(16),
  // events printed per 10 s; the others are counted (Flume prints every one: `sample: all`)
  sample: z.union([count, z.literal('all')]).default(10),
  ...sinkCommon,
});

const fileRollSink = z.strictObject({
  type: z.literal('file_roll'),
  path: z.string().min(1),
  filePrefix: z.string().optional(),
  fileSuffix: z.string().optional(),
  inUsePrefix: z.string().optional(),
  inUseSuffix: z.string().optional(),
  rollSize: byteSize.optional(),
  rollCount: z.number().int().nonnegative().optional(),
  rollInterval: durationMs.optional(),
  idleTimeout: durationMs.optional(),
  timeFrom: z.enum(TIME_FROM).optional(),
  ...sinkCommon,
});

const hbaseSink = z.strictObject({
  type: z.literal('hbase'),
  url: z.string().url().default('http://127.0.0.1:8080'),
  table: z.string().min(1),
  columnFamily: z.string().min(1),
  columns: z.array(z.string().min(1)).optional(),
  rowKey: z.string().optional(),
  delimiter: z.string().optional(),
  createTable: z.boolean().default(false),
  ...httpClientKeys,
  ...sinkCommon,
});

/** Flume's sink processors: several sinks on one channel, as failover or load balancing. */
const sinkGroup = z.discriminatedUnion('processor', [
  z.strictObject({processor: z.literal('failover'), sinks: z.array(name).min(2), priority: z.record(name, z.number().int()).default({}), maxPenalty: durationMs.default(30_000)}),
  z.strictObject({processor: z.literal('load_balance'), sinks: z.array(name).min(2), selector: z.enum(['round_robin', 'random']).default('round_robin'), backoff: z.boolean().default(true), maxTimeout: durationMs.default(30_000)}),
]);

export const agentConfigSchema = z
  .strictObject({
    name,
    /** Default bootstrap brokers for Kafka sinks (else the flag, the profile, 127.0.0.1:9092). */
    brokers: z.string().optional(),
    /**
     * Client properties of its Kafka sinks and dead-letter topics (security.protocol, sasl.*,
     * ssl.*; secrets as ${env:NAME} or ${file:PATH}), below --command-config and -X.
     */
    properties: clientProperties.optional(),
    sources: z.record(name, z.discriminatedUnion('type', [tailSource, spoolSource, forwardSource, netcatSource, syslogTcpSource, syslogUdpSource, httpSource])),
    channels: z.record(name, z.discriminatedUnion('type', [memoryChannel, fileChannel])),
    sinks: z.record(name, z.discriminatedUnion('type', [kafkaSink, loggerSink, fileRollSink, hbaseSink, forwardSink])),
    sinkGroups: z.record(name, sinkGroup).default({}),
  })
  .superRefine((agent, ctx) => {
    const channels = Object.keys(agent.channels);
    const known = `defined channels: ${channels.join(', ') || 'none'}`;
    for (const [source, s] of Object.entries(agent.sources)) {
      s.channels.forEach((c, i) => {
        if (!channels.includes(c)) ctx.addIssue({code: 'custom', path: ['sources', source, 'channels', i], message: `unknown channel "${c}" (${known})`});
      });
      const sel = s.selector;
      const named: Array<[Array<string | number>, string[]]> = sel ? [[['optional'], sel.optional]] : [];
      if (sel?.type === 'multiplexing') {
        named.push([['default'], sel.default]);
        for (const [value, list] of Object.entries(sel.mapping)) named.push([['mapping', value], list]);
      }
      for (const [where, list] of named) {
        list.forEach((c, i) => {
          if (!s.channels.includes(c)) ctx.addIssue({code: 'custom', path: ['sources', source, 'selector', ...where, i], message: `"${c}" is not one of this source's channels (${s.channels.join(', ')}); add it to channels`});
        });
      }
    }
    const grouped = new Map<string, string>();
    for (const [group, g] of Object.entries(agent.sinkGroups)) {
      g.sinks.forEach((k, i) => {
        const where = ['sinkGroups', group, 'sinks', i];
        if (!(k in agent.sinks)) ctx.addIssue({code: 'custom', path: where, message: `unknown sink "${k}" (defined sinks: ${Object.keys(agent.sinks).join(', ')})`});
        else if (agent.sinks[k].channel !== agent.sinks[g.sinks[0]]?.channel) ctx.addIssue({code: 'custom', path: where, message: `sinks of a group take from one channel: "${k}" takes from ${agent.sinks[k].channel}, "${g.sinks[0]}" from ${agent.sinks[g.sinks[0]]?.channel}`});
        if (grouped.has(k)) ctx.addIssue({code: 'custom', path: where, message: `sink "${k}" is already in group ${grouped.get(k)}; a sink belongs to one group`});
        grouped.set(k, group);
      });
    }
    const drained = new Set<string>();
    for (const [sink, s] of Object.entries(agent.sinks)) {
      if (!channels.includes(s.channel)) ctx.addIssue({code: 'custom', path: ['sinks', sink, 'channel'], message: `unknown channel "${s.channel}" (${known})`});
      drained.add(s.channel);
    }
    for (const c of channels) {
      if (!drained.has(c)) ctx.addIssue({code: 'custom', path: ['channels', c], message: 'no sink takes from this channel, so it would fill up and stop its sources; give a sink `channel: ' + c + '`'});
    }
    if (Object.keys(agent.sources).length === 0) ctx.addIssue({code: 'custom', path: ['sources'], message: 'an agent needs at least one source'});
  });

export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type SourceConfig = AgentConfig['sources'][string];
export type ChannelConfig = AgentConfig['channels'][string];
export type SinkConfig = AgentConfig['sinks'][string];

/** Validates an agent file's text; errors name the file, line and key (`sinks.k1.topic`) and the fix. */
export function parseAgentConfig(text: string, file: string): AgentConfig {
  return parseYaml(text, file, agentConfigSchema, (path, code) =>
    code === 'unrecognized_keys'
      ? 'remove or rename that key; the options of each type are listed in the README (Agents), and topology/agents/ has working examples'
      : 'topology/agents/ has working examples; `kcollect agent import` converts a Flume properties file',
  );
}

export function loadAgentConfig(file: string): AgentConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read agent file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`, 'give the path of an agent YAML file, e.g. topology/agents/smartcar-driving.yaml');
  }
  return parseAgentConfig(substituteEnv(text, file), file);
}

/** `${NAME}` and `${NAME:-default}` take environment variables, so one file serves several agents. */
export function substituteEnv(text: string, file: string, env: NodeJS.ProcessEnv = process.env): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
    const value = env[name] ?? fallback;
    if (value === undefined) throw new UserError(`${file} uses \${${name}}, which is not set`, `set it (${name}=... kcollect agent run ${file}) or give a default: \${${name}:-value}`);
    return value;
  });
}
