/**
 * `kcollect replay`: re-delivers a time or offset range of a topic, optionally one key (one
 * car), to a sink. It reads without a consumer group, so no group's offsets move.
 */
import type {StartPosition} from '../client/fetcher.js';
import {UserError} from '../lib/errors.js';
import type {BackoffPolicy} from '../lib/backoff.js';
import {DeadLetterQueue, deadLetterTopicFor} from '../sinks/dead-letter.js';
import {drainRange, type RangeSummary} from '../drain/range-drain.js';
import type {DrainStatus} from '../drain/status.js';
import {openSink, type SinkSettings} from '../sinks/open-sink.js';
import {withValueFormat, type ValueFormat} from './value-format.js';

/** Parses an ISO time, or @MS / MS since the epoch. */
export function parseTime(text: string, flag: string): number {
  const t = text.trim().replace(/^@/, '');
  const ms = /^\d+$/.test(t) ? Number(t) : Date.parse(t);
  if (!Number.isFinite(ms)) throw new UserError(`invalid ${flag} "${text}"`, 'use an ISO time such as 2024-05-01T08:00:00Z, or milliseconds since the epoch');
  return ms;
}

export interface ReplaySettings {
  brokers: string[];
  topic: string;
  fromMs?: number;
  fromOffset?: number;
  untilMs?: number;
  untilOffset?: number;
  key?: string;
  sink: SinkSettings;
  /** `--value-format avro`: values are decoded to the line before the sink sees them. */
  valueFormat?: ValueFormat;
  deadLetterTopic?: string;
  batchSize?: number;
  backoff?: BackoffPolicy;
  signal: AbortSignal;
  onStatus?: (s: DrainStatus) => void;
  statusIntervalMs?: number;
}

export interface ReplayResult extends RangeSummary {
  type: 'summary';
  topic: string;
  sink: string;
  deadLetterTopic: string;
}

export async function replay(settings: ReplaySettings): Promise<ReplayResult> {
  if ((settings.fromMs === undefined) === (settings.fromOffset === undefined)) throw new UserError('replay needs exactly one of --from ISO_TIME and --from-offset N', 'e.g. --from 2024-05-01T08:00:00Z --until 2024-05-01T09:00:00Z');
  if (settings.untilMs !== undefined && settings.fromMs !== undefined && settings.untilMs <= settings.fromMs) throw new UserError('--until is not after --from: the range is empty', 'give an end time after the start');
  const start: StartPosition = settings.fromOffset !== undefined ? {kind: 'offset', offset: settings.fromOffset} : {kind: 'timestamp', ms: settings.fromMs!};
  // A replay of one key or up to an end names its files as the drain did but holds fewer records:
  // it never replaces a file (HBase cells are the same cells, only fewer are written).
  const partial = settings.key !== undefined || settings.untilMs !== undefined || settings.untilOffset !== undefined;
  const sinkSettings = settings.sink.kind === 'file' && partial ? {...settings.sink, keepExisting: true} : settings.sink;
  const sink = await withValueFormat(openSink(sinkSettings), settings.valueFormat, settings.sink.kind === 'hbase' ? settings.sink.delimiter : undefined);
  const deadLetterTopic = settings.deadLetterTopic ?? deadLetterTopicFor(settings.topic);
  const deadLetters = new DeadLetterQueue(settings.brokers, deadLetterTopic, sink.name);
  try {
    const summary = await drainRange({
      brokers: settings.brokers,
      topic: settings.topic,
      start,
      untilMs: settings.untilMs,
      untilOffset: settings.untilOffset,
      key: settings.key === undefined ? undefined : Buffer.from(settings.key),
      sink,
      deadLetters,
      batchSize: settings.batchSize,
      backoff: settings.backoff,
      signal: settings.signal,
      onStatus: settings.onStatus,
      statusIntervalMs: settings.statusIntervalMs,
    });
    return {type: 'summary', topic: settings.topic, sink: sink.name, deadLetterTopic, ...summary};
  } finally {
    await sink.close();
    await deadLetters.close();
  }
}
