/**
 * `consume --to stdout|file|hbase` and `replay`: builds the sink from the command's settings and
 * runs a drain (group member, or a range without a group), reporting status lines.
 */
import {HBaseRestClient} from '../hbase/rest-client.js';
import {UserError} from '../lib/errors.js';
import type {Event} from '../pipeline/event.js';
import type {Sink} from '../pipeline/sink.js';
import type {BackoffPolicy} from '../lib/backoff.js';
import {DeadLetterQueue, deadLetterTopicFor} from '../sinks/dead-letter.js';
import {drainGroup, type DrainSummary} from '../drain/group-drain.js';
import {describeStatus, type DrainState, type DrainStatus} from '../drain/status.js';
import {FileRollSink, type FileRollOptions} from '../sinks/file-roll-sink.js';
import {compileRowMapping} from '../sinks/hbase-rows.js';
import {HBaseSink} from '../sinks/hbase-sink.js';
import {OutputClosedError, StdoutSink} from '../sinks/stdout-sink.js';
import type {FetchedRecord} from '../client/fetcher.js';

export const SINK_KINDS = ['stdout', 'file', 'hbase'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

export interface HBaseSinkSettings {
  url: string;
  table: string;
  family: string;
  columns: string[];
  rowKey: string;
  delimiter?: string;
  createTable: boolean;
  timeoutMs?: number;
}

export type SinkSettings =
  | {kind: 'stdout'; out: NodeJS.WritableStream; render?: (event: Event) => Buffer}
  | ({kind: 'file'} & FileRollOptions)
  | ({kind: 'hbase'} & HBaseSinkSettings);

/** HTTP timeout for the gateway: shorter than a real gateway's own retry budget (B.6). */
const HBASE_TIMEOUT_MS = 10_000;

export function openSink(settings: SinkSettings): Sink {
  switch (settings.kind) {
    case 'stdout':
      return new StdoutSink({out: settings.out, render: settings.render});
    case 'file':
      return new FileRollSink(settings);
    case 'hbase': {
      let url: URL;
      try {
        url = new URL(settings.url);
      } catch {
        throw new UserError(`invalid --hbase-url "${settings.url}"`, 'use the REST gateway address, e.g. http://127.0.0.1:8080');
      }
      const toRow = compileRowMapping({family: settings.family, columns: settings.columns, rowKey: settings.rowKey, delimiter: settings.delimiter});
      const client = new HBaseRestClient(url.toString().replace(/\/$/, ''), {timeoutMs: settings.timeoutMs ?? HBASE_TIMEOUT_MS});
      return new HBaseSink({client, url: settings.url, table: settings.table, family: settings.family, toRow, createTable: settings.createTable});
    }
  }
}

/** A consumed event seen as a record again, for kcat-style --format on `--to stdout`. */
export function eventAsRecord(event: Event): FetchedRecord {
  const k = event.kafka!;
  return {
    topic: k.topic,
    partition: k.partition,
    offset: k.offset,
    timestamp: k.timestamp,
    key: k.key,
    value: event.body,
    headers: Object.entries(event.headers).map(([key, value]) => ({key, value: Buffer.from(value)})),
  };
}

/**
 * Status lines: with json every status as one JSON line, otherwise a human line on stderr when
 * the state changes (and none while all is well from the start).
 */
export function statusPrinter(options: {json: boolean; out: NodeJS.WritableStream; err: NodeJS.WritableStream}): (s: DrainStatus) => void {
  let last: DrainState = 'ok';
  return (s) => {
    if (options.json) {
      options.out.write(JSON.stringify(s) + '\n');
      return;
    }
    if (s.state === last) return;
    last = s.state;
    options.err.write(`kcollect: ${describeStatus(s)}\n`);
  };
}

export interface GroupDrainSettings {
  brokers: string[];
  topic: string;
  groupId: string;
  sink: SinkSettings;
  deadLetterTopic?: string;
  startAtBeginning: boolean;
  batchSize?: number;
  count?: number;
  exitAtEnd: boolean;
  backoff?: BackoffPolicy;
  signal: AbortSignal;
  onStatus?: (s: DrainStatus) => void;
}

export interface GroupDrainResult extends DrainSummary {
  type: 'summary';
  sink: string;
  deadLetterTopic: string;
  /** The reader of `--to stdout` went away (`| head`): not an error. */
  outputClosed: boolean;
}

export async function runGroupDrain(settings: GroupDrainSettings): Promise<GroupDrainResult> {
  const sink = openSink(settings.sink);
  const deadLetterTopic = settings.deadLetterTopic ?? deadLetterTopicFor(settings.topic);
  const deadLetters = new DeadLetterQueue(settings.brokers, deadLetterTopic, sink.name);
  try {
    const summary = await drainGroup({
      brokers: settings.brokers,
      topic: settings.topic,
      groupId: settings.groupId,
      sink,
      deadLetters,
      startAtBeginning: settings.startAtBeginning,
      batchSize: settings.batchSize,
      maxRecords: settings.count,
      stopAtEnd: settings.exitAtEnd,
      backoff: settings.backoff,
      signal: settings.signal,
      onStatus: settings.onStatus,
    });
    return {type: 'summary', sink: sink.name, deadLetterTopic, outputClosed: false, ...summary};
  } catch (err) {
    if (err instanceof OutputClosedError) return {type: 'summary', sink: sink.name, deadLetterTopic, outputClosed: true, records: 0, deadLettered: 0, stoppedBy: 'signal', partitions: []};
    throw err;
  } finally {
    await sink.close();
    await deadLetters.close();
  }
}
