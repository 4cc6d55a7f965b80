import path from 'node:path';
import {FileChannel} from '../channels/file-channel.js';
import {MemoryChannel} from '../channels/memory-channel.js';
import {createInterceptors} from '../interceptors/index.js';
import type {AgentSpec, SinkBinding, SourceBinding} from '../pipeline/agent.js';
import type {Channel} from '../pipeline/channel.js';
import type {ChannelSelector} from '../pipeline/selector.js';
import {SinkGroup, type SinkGroupPolicy} from '../pipeline/sink-group.js';
import {keyOf} from '../pipeline/key.js';
import type {Sink} from '../pipeline/sink.js';
import {rereadWindow, type Source} from '../pipeline/source.js';
import {definedOnly} from '../lib/size.js';
import {DeadLetterQueue, deadLetterTopicFor} from '../sinks/dead-letter.js';
import {BOOK_COLUMNS, BOOK_ROW_KEY} from '../sinks/hbase-rows.js';
import {openSink} from '../sinks/open-sink.js';
import {COLLECTOR_WRITES_IN_FLIGHT, KafkaSink, type ValueEncoder} from '../sinks/kafka-sink.js';
import {AvroLineEncoder} from '../registry/avro-encoder.js';
import {loadAvroSchema} from '../registry/schema-source.js';
import {parseClientConfig, type ClientConfig, type ParsedClientConfig} from '../client/client-config.js';
import {producerDelivery, refuseSettingsBesidesServers} from '../client/client-settings.js';
import {bootstrapList} from '../lib/address.js';
import {UserError} from '../lib/errors.js';
import {httpClientSecurityOf} from './http-client-config.js';
import {redactUrl} from '../lib/http-security.js';
import {LoggerSink} from '../sinks/logger-sink.js';
import {createForwardSink, createForwardSource} from '../forward/config.js';
import {createNetSource} from '../sources/net/config.js';
import {SpoolDirSource} from '../sources/spooldir/source.js';
import {TailSource} from '../sources/tail/tail-source.js';
import type {AgentConfig, ChannelConfig, SinkConfig, SourceConfig} from './agent-config.js';

export interface BuildContext {
  /** Brokers for Kafka sinks that name none (flag, profile or default). */
  brokers: string[];
  log: (line: string) => void;
  /** Where relative state (positions, channels) goes when the file does not say. */
  stateDir: string;
}

const DEFAULT_MAX_LINE = 1024 * 1024;

/** Turns a validated agent file into running parts (not started). */
export async function buildAgent(config: AgentConfig, context: BuildContext): Promise<AgentSpec> {
  const channels = new Map<string, Channel>();
  for (const [name, c] of Object.entries(config.channels)) channels.set(name, await buildChannel(name, c, context.log));
  const channel = (c: string) => channels.get(c)!;
  const sources: SourceBinding[] = Object.entries(config.sources).map(([name, s]) => ({
    source: buildSource(name, s, config, context),
    interceptors: createInterceptors(s.interceptors),
    channels: s.channels.map(channel),
    selector: s.selector && buildSelector(s.selector, channel),
  }));
  const kafka = new Map(Object.entries(config.sinks).map(([name, s]) => [name, sinkKafka(name, s, config, context)]));
  const sinks = new Map(Object.entries(config.sinks).map(([name, s]) => [name, buildSink(name, s, kafka.get(name)!, config, context)]));
  const bindings: SinkBinding[] = [];
  const grouped = new Set<string>();
  // A sink group runs as one sink on its members' channel.
  for (const [name, g] of Object.entries(config.sinkGroups)) {
    const members = g.sinks.map((k) => sinks.get(k)!);
    const policy: SinkGroupPolicy = g.processor === 'failover' ? {processor: 'failover', priorities: new Map(g.sinks.map((k) => [sinks.get(k)!, g.priority[k] ?? 0]))} : {processor: 'load_balance', selector: g.selector};
    const first = config.sinks[g.sinks[0]];
    const penalty = {initialMs: 1000, maxMs: g.processor === 'failover' ? g.maxPenalty : g.backoff ? g.maxTimeout : 0};
    bindings.push({
      sink: new SinkGroup(name, members, policy, penalty, context.log),
      channel: channel(first.channel),
      batchSize: Math.min(...g.sinks.map((k) => config.sinks[k].batchSize)),
      deadLetters: deadLettersFor(g.sinks[0], first, kafka.get(g.sinks[0])!),
    });
    for (const k of g.sinks) grouped.add(k);
  }
  for (const [name, s] of Object.entries(config.sinks)) {
    if (!grouped.has(name)) bindings.push({sink: sinks.get(name)!, channel: channel(s.channel), batchSize: s.batchSize, deadLetters: deadLettersFor(name, s, kafka.get(name)!)});
  }
  return {name: config.name, sources, channels: [...channels.values()], sinks: bindings};
}

function buildSelector(s: NonNullable<SourceConfig['selector']>, channel: (name: string) => Channel): ChannelSelector {
  const optional = s.optional.map(channel);
  if (s.type === 'replicating') return {type: 'replicating', optional};
  return {type: 'multiplexing', header: s.header, mapping: new Map(Object.entries(s.mapping).map(([v, list]) => [v, list.map(channel)])), default: s.default.map(channel), optional};
}

async function buildChannel(name: string, c: ChannelConfig, log: (line: string) => void): Promise<Channel> {
  if (c.type === 'memory') return new MemoryChannel({name, capacityEvents: c.capacity, capacityBytes: c.byteCapacity});
  return FileChannel.open({name, dir: c.dir, capacityEvents: c.capacity, capacityBytes: c.byteCapacity, log});
}

function buildSource(name: string, s: SourceConfig, config: AgentConfig, context: BuildContext): Source {
  if (s.type === 'netcat' || s.type === 'syslogtcp' || s.type === 'syslogudp' || s.type === 'http') return createNetSource(name, s, s.batchSize);
  const maxLineBytes = s.maxLineBytes ?? DEFAULT_MAX_LINE;
  if (s.type === 'forward') return createForwardSource(name, s);
  if (s.type === 'tail') {
    return new TailSource(definedOnly({
      name,
      patterns: s.paths,
      positionFile: s.positionFile ?? path.join(context.stateDir, 'positions', `${config.name}.${name}.json`),
      startAt: s.startAt,
      maxLineBytes,
      multilineStart: s.multilineStart === undefined ? undefined : new RegExp(s.multilineStart),
      multilineTimeoutMs: s.multilineTimeout,
      pollIntervalMs: s.pollInterval,
      lingerMs: s.linger,
      batchMaxEvents: s.batchSize,
    }));
  }
  return new SpoolDirSource(definedOnly({
    name,
    dir: s.spoolDir,
    fileSuffix: s.fileSuffix,
    deletePolicy: s.deletePolicy,
    includePattern: s.includePattern === undefined ? undefined : new RegExp(s.includePattern),
    ignorePattern: s.ignorePattern === undefined ? undefined : new RegExp(s.ignorePattern),
    tempSuffixes: s.tempSuffixes,
    stableMs: s.stableFor,
    pollIntervalMs: s.pollInterval,
    batchMaxEvents: s.batchSize,
    maxLineBytes,
    fileHeaderKey: s.fileHeaderKey,
    basenameHeaderKey: s.basenameHeaderKey,
  }));
}

/** Where a sink's Kafka records (its own, or its dead letters) go, and how it connects there. */
interface SinkKafka {
  brokers: string[];
  /** A kafka sink's own client properties; undefined: the agent's (the command's default). */
  clientConfig?: ClientConfig;
}

/**
 * The sink's brokers, else its own properties' bootstrap.servers, else the agent's, else the
 * command's; its own properties parsed once (each ignored key said once).
 */
function sinkKafka(name: string, s: SinkConfig, config: AgentConfig, context: BuildContext): SinkKafka {
  let own: ParsedClientConfig | undefined;
  if (s.type === 'kafka' && s.properties !== undefined) {
    const where = `sinks.${name}.properties`;
    const properties = Object.entries(s.properties).map(([key, value]) => ({key, value, where}));
    refuseSettingsBesidesServers(properties, `set the sink's own acks, compression or idempotent (sinks.${name}.acks ...)`);
    own = parseClientConfig(properties);
    for (const key of own.ignored) context.log(`${where}: client property ${key} does not apply to kcollect (ignored)`);
  }
  const list = (s.type === 'kafka' ? s.brokers : undefined) ?? own?.settings.bootstrapServers?.join(',') ?? config.brokers;
  return {brokers: list === undefined ? context.brokers : bootstrapList(list, `brokers of sink ${name}`), clientConfig: own?.config};
}

function deadLettersFor(name: string, s: SinkConfig, kafka: SinkKafka): DeadLetterQueue | undefined {
  const topic = s.dlqTopic ?? (s.type === 'kafka' ? deadLetterTopicFor(s.topic) : undefined);
  return topic === undefined ? undefined : new DeadLetterQueue(kafka.brokers, topic, name, kafka.clientConfig);
}

function buildSink(name: string, s: SinkConfig, kafka: SinkKafka, config: AgentConfig, context: BuildContext): Sink {
  switch (s.type) {
    case 'kafka': {
      const key = s.key ? {keyHeader: s.key.header, keyField: s.key.field, fieldSeparator: s.key.separator} : {};
      return new KafkaSink(
        {
          name,
          brokers: kafka.brokers,
          clientConfig: kafka.clientConfig,
          topic: s.topic,
          key: (event) => keyOf(event, key),
          ...producerDelivery(s, true, {where: `sinks.${name}: `, hint: `drop sinks.${name}.acks (idempotence keeps acks=all), or set sinks.${name}.idempotent: false`}),
          compression: s.compression,
          valueEncoder: s.format.type === 'avro' ? avroValues(name, s.topic, s.format, context) : undefined,
          redeliveryWindow: rereadWindow(Math.max(0, ...Object.values(config.sources).map((source) => source.batchSize ?? 0))),
          writesInFlight: COLLECTOR_WRITES_IN_FLIGHT,
        },
        context.log,
      );
    }
    case 'forward':
      return createForwardSink(name, s);
    case 'logger':
      return new LoggerSink(name, (line) => context.log(`sink ${name}: ${line}`), {maxBytesToLog: s.maxBytesToLog, sample: s.sample});
    case 'file_roll':
      return openSink(
        definedOnly({
          kind: 'file' as const,
          name,
          dir: s.path,
          filePrefix: s.filePrefix,
          fileSuffix: s.fileSuffix,
          inUsePrefix: s.inUsePrefix,
          inUseSuffix: s.inUseSuffix,
          rollSize: s.rollSize,
          rollCount: s.rollCount,
          rollIntervalMs: s.rollInterval,
          idleTimeoutMs: s.idleTimeout,
          timeFrom: s.timeFrom,
        }),
      );
    case 'hbase':
      return openSink({kind: 'hbase', name, url: s.url, table: s.table, family: s.columnFamily, columns: s.columns ?? BOOK_COLUMNS, rowKey: s.rowKey ?? BOOK_ROW_KEY, delimiter: s.delimiter, createTable: s.createTable, security: httpClientSecurityOf(s, `sinks.${name}`)});
  }
}

/** `format: {type: avro}`: the encoder, made (its schema registered) when the sink starts. */
function avroValues(name: string, topic: string, format: Extract<Extract<SinkConfig, {type: 'kafka'}>['format'], {type: 'avro'}>, context: BuildContext): () => Promise<ValueEncoder> {
  return async () => {
    try {
      const encoder = await AvroLineEncoder.create({registryUrl: format.registryUrl, topic, schema: loadAvroSchema(format.schema), delimiter: format.delimiter, security: httpClientSecurityOf(format, `sinks.${name}.format`)});
      context.log(`sink ${name}: values are Avro: schema id ${encoder.schemaId}, subject ${encoder.subject} at ${redactUrl(format.registryUrl)}`);
      return encoder;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      const hint = err.hint?.includes('--registry-url') ? `start one with \`kcollect registry serve\`, or set sinks.${name}.format.registryUrl` : err.hint;
      throw new UserError(`sinks.${name}.format: ${err.message}`, hint);
    }
  };
}
