import {createHash} from 'node:crypto';
import path from 'node:path';
import {Flags} from '#oclif';
import {ACKS, COMPRESSIONS, producerDelivery, type Acks, type CompressionName} from '../client/client-settings.js';
import {createInterceptors} from '../interceptors/index.js';
import type {InterceptorConfig} from '../interceptors/schema.js';
import {UserError} from '../lib/errors.js';
import {parseSize} from '../lib/size.js';
import type {CollectOptions} from '../services/collect-service.js';
import {parseHeaders} from '../services/produce-service.js';
import {listValues} from '../services/list-values.js';
import {kafkaFlags, type KafkaFlagValues, type ResolvedClient} from './client-flags.js';

/** Flags every collecting command shares: where to send, how to key, filter, buffer and deliver. */
export const collectFlags = {
  ...kafkaFlags,
  topic: Flags.string({char: 't', required: true, env: 'KCOLLECT_TOPIC', description: 'topic to send the lines to'}),
  'key-field': Flags.integer({min: 1, env: 'KCOLLECT_KEY_FIELD', description: 'record key = this field of the line, 1-based (2 = the car number in the smart-car logs), so one car stays in order in one partition'}),
  'key-header': Flags.string({env: 'KCOLLECT_KEY_HEADER', description: 'record key = the value of this event header (wins over --key-field when set)'}),
  'field-separator': Flags.string({default: ',', env: 'KCOLLECT_FIELD_SEPARATOR', description: 'field separator for --key-field'}),
  include: Flags.string({env: 'KCOLLECT_INCLUDE', description: "send only lines matching this regex (Flume regex_filter), e.g. '^\\d{14}'"}),
  exclude: Flags.string({env: 'KCOLLECT_EXCLUDE', description: 'drop lines matching this regex (Flume regex_filter with excludeEvents)'}),
  header: Flags.string({char: 'H', multiple: true, env: 'KCOLLECT_HEADERS', description: 'static header KEY=VALUE on every record (repeatable; Flume static interceptor)'}),
  'timestamp-header': Flags.boolean({default: false, env: 'KCOLLECT_TIMESTAMP_HEADER', description: 'add a `timestamp` header (ms) at collection time, also used as the record timestamp (Flume timestamp interceptor)'}),
  'host-header': Flags.boolean({default: false, env: 'KCOLLECT_HOST_HEADER', description: 'add a `host` header with this machine\'s address (Flume host interceptor)'}),
  channel: Flags.string({options: ['memory', 'file'], default: 'memory', env: 'KCOLLECT_CHANNEL', description: 'buffer between reading and sending: memory, or file (a write-ahead log on disk)'}),
  'channel-dir': Flags.string({env: 'KCOLLECT_CHANNEL_DIR', description: 'the file channel\'s directory (default .kcollect/channels/NAME)'}),
  'channel-capacity': Flags.integer({min: 1, default: 100_000, env: 'KCOLLECT_CHANNEL_CAPACITY', description: 'events the channel holds before reading waits'}),
  'channel-bytes': Flags.string({default: '64MiB', env: 'KCOLLECT_CHANNEL_BYTES', description: 'bytes the channel holds before reading waits'}),
  'batch-size': Flags.integer({min: 1, default: 1000, env: 'KCOLLECT_BATCH_SIZE', description: 'events per Kafka produce batch'}),
  'dlq-topic': Flags.string({env: 'KCOLLECT_DLQ_TOPIC', description: 'dead-letter topic for lines that cannot be records (binary, invalid UTF-8, too long), with file, inode, byte offset and reason headers (default: TOPIC.dlq)'}),
  // No oclif defaults here: where a flag is not given, the client properties' acks, compression.type
  // and enable.idempotence apply (see ClientSettings), then kcollect's defaults.
  acks: Flags.string({options: [...ACKS], env: 'KCOLLECT_ACKS', description: 'acknowledgements to wait for before a line counts as delivered (default: acks of the client properties, else all)'}),
  compression: Flags.string({char: 'z', options: [...COMPRESSIONS], env: 'KCOLLECT_COMPRESSION', description: 'compression codec for record batches (default: compression.type of the client properties, else none)'}),
  idempotent: Flags.boolean({allowNo: true, env: 'KCOLLECT_IDEMPOTENT', description: 'idempotent producer: a retried batch is never written twice (default: enable.idempotence of the client properties, else on)'}),
  'max-line-bytes': Flags.string({default: '1MB', env: 'KCOLLECT_MAX_LINE_BYTES', description: 'longer lines go to the dead-letter topic'}),
  name: Flags.string({env: 'KCOLLECT_NAME', description: 'name of this collector in `kcollect status` and the dashboard'}),
};

type CollectFlagValues = KafkaFlagValues & {
  topic: string;
  'key-field'?: number;
  'key-header'?: string;
  'field-separator': string;
  include?: string;
  exclude?: string;
  header?: string[];
  'timestamp-header': boolean;
  'host-header': boolean;
  channel: string;
  'channel-dir'?: string;
  'channel-capacity': number;
  'channel-bytes': string;
  'batch-size': number;
  'dlq-topic'?: string;
  acks?: string;
  compression?: string;
  idempotent?: boolean;
  name?: string;
};

/** The interceptor chain the flags ask for, in Flume's order: filter first, then headers. */
export function interceptorsFromFlags(flags: CollectFlagValues): InterceptorConfig[] {
  const chain: InterceptorConfig[] = [];
  if (flags.include !== undefined) chain.push({type: 'regex_filter', regex: flags.include});
  if (flags.exclude !== undefined) chain.push({type: 'regex_filter', regex: flags.exclude, excludeEvents: true});
  if (flags['timestamp-header']) chain.push({type: 'timestamp'});
  if (flags['host-header']) chain.push({type: 'host'});
  for (const {key, value} of parseHeaders(listValues(flags.header))) chain.push({type: 'static', key, value});
  return chain;
}

/**
 * The name of a collector run without --name: the command plus a stable hash of what it reads
 * and where it sends it, so runs with other inputs or topics in one working directory never
 * share a position file, a file channel or a status file (one would resume the other's files
 * into its own topic), while the same command run again finds its own.
 */
export function defaultCollectorName(command: string, inputs: readonly string[], topic: string): string {
  const key = JSON.stringify({inputs: inputs.map((p) => path.resolve(p)), topic});
  return `${command}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** `client`: resolveClient(flags), whose settings apply where a flag is not given. */
export function collectOptionsFromFlags(flags: CollectFlagValues, client: ResolvedClient, defaultName: string, log: (line: string) => void): Omit<CollectOptions, 'source'> {
  const name = flags.name ?? defaultName;
  const {settings} = client;
  return {
    name,
    brokers: client.brokers,
    topic: flags.topic,
    interceptors: createInterceptors(interceptorsFromFlags(flags)),
    channel: {type: flags.channel as 'memory' | 'file', dir: flags['channel-dir'], capacityEvents: flags['channel-capacity'], capacityBytes: parseSize(flags['channel-bytes'], '--channel-bytes')},
    key: {keyHeader: flags['key-header'], keyField: flags['key-field'], fieldSeparator: flags['field-separator']},
    dlqTopic: flags['dlq-topic'] ?? `${flags.topic}.dlq`,
    ...producerDelivery({acks: (flags.acks as Acks | undefined) ?? settings.acks, idempotent: flags.idempotent ?? settings.idempotent}, true, DELIVERY_FIX),
    compression: (flags.compression as CompressionName | undefined) ?? settings.compression ?? 'none',
    batchSize: flags['batch-size'],
    log,
  };
}

/** What to say when the flags or client properties ask for weak acks and idempotence at once. */
export const DELIVERY_FIX = {where: '', hint: 'drop the acks (--acks, -X acks) to keep idempotence with acks=all, or give --no-idempotent (-X enable.idempotence=false)'};

/** A regex flag's value, or a UserError naming the flag. */
export function regexFlag(flag: string, text: string): RegExp;
export function regexFlag(flag: string, text: string | undefined): RegExp | undefined;
export function regexFlag(flag: string, text: string | undefined): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(text);
  } catch (err) {
    throw new UserError(`${flag}: ${(err as Error).message}`, 'give a regular expression, quoted for the shell');
  }
}
