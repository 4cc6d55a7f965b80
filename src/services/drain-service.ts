/**
 * `consume --to stdout|file|hbase` and `replay`: builds the sink from the command's settings and
 * runs a drain (group member, or a range without a group), reporting status lines.
 */
import type {Event} from '../pipeline/event.js';
import type {BackoffPolicy} from '../lib/backoff.js';
import {DeadLetterQueue, deadLetterTopicFor} from '../sinks/dead-letter.js';
import {drainGroup, type DrainSummary} from '../drain/group-drain.js';
import {clock, progressLine, rateMeter, thousands} from '../lib/progress.js';
import {describeStatus, type DrainState, type DrainStatus} from '../drain/status.js';
import {openSink, type SinkSettings} from '../sinks/open-sink.js';
import {withValueFormat, type ValueFormat} from './value-format.js';
import {OutputClosedError} from '../sinks/stdout-sink.js';
import {Metrics} from '../telemetry/metrics.js';
import {StatusPublisher} from '../telemetry/status-file.js';
import type {FetchedRecord} from '../client/fetcher.js';
import type {GroupMemberSettings} from '../client/client-settings.js';

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
 * Status lines: with json every status as one JSON line; otherwise a progress line on stderr
 * (written, rate, backlog and ETA: live on a terminal, every few seconds in a log) unless `live`
 * is off (records own the terminal: `--to stdout`), and a kept line whenever the state changes.
 */
export function statusPrinter(options: {json: boolean; out: NodeJS.WritableStream; err: NodeJS.WriteStream; live?: boolean}): ((s: DrainStatus) => void) & {end(): void} {
  let last: DrainState = 'ok';
  let skippedSeen = 0;
  const line = progressLine(options.err);
  const rate = rateMeter();
  const print = (s: DrainStatus) => {
    if (options.json) {
      options.out.write(JSON.stringify(s) + '\n');
      return;
    }
    const perSecond = rate(s.written);
    const skipped = s.skippedBatches?.length ?? 0;
    if (s.state !== last || skipped > skippedSeen) line.note(describeStatus(s));
    last = s.state;
    skippedSeen = skipped;
    if (options.live === false) return;
    const eta = s.backlog && perSecond > 0 ? `, ETA ${clock(s.backlog / perSecond)}` : '';
    const backlog = s.backlog === null ? '' : `, backlog ${thousands(s.backlog)}`;
    line.update(`${s.sink}: ${s.state}, ${thousands(s.written)} written (${thousands(Math.round(perSecond))}/s), ${thousands(s.deadLettered)} dead-lettered${backlog}${eta}`);
  };
  return Object.assign(print, {end: () => line.end()});
}

/** How often a drain reports: often enough for a live line on a terminal. */
export const statusIntervalMs = (stream: NodeJS.WriteStream) => (stream.isTTY ? 1000 : 5000);

export interface GroupDrainSettings {
  brokers: string[];
  topic: string;
  groupId: string;
  sink: SinkSettings;
  /** `--value-format avro`: values are decoded to the line before the sink sees them. */
  valueFormat?: ValueFormat;
  deadLetterTopic?: string;
  startAtBeginning: boolean;
  /** The client properties' group member settings (session.timeout.ms, partition.assignment.strategy ...). */
  member?: GroupMemberSettings;
  batchSize?: number;
  count?: number;
  exitAtEnd: boolean;
  backoff?: BackoffPolicy;
  signal: AbortSignal;
  onStatus?: (s: DrainStatus) => void;
  statusIntervalMs?: number;
}

export interface GroupDrainResult extends DrainSummary {
  type: 'summary';
  sink: string;
  deadLetterTopic: string;
  /** The reader of `--to stdout` went away (`| head`): not an error. */
  outputClosed: boolean;
}

export async function runGroupDrain(settings: GroupDrainSettings): Promise<GroupDrainResult> {
  const sink = await withValueFormat(openSink(settings.sink), settings.valueFormat, settings.sink.kind === 'hbase' ? settings.sink.delimiter : undefined);
  const deadLetterTopic = settings.deadLetterTopic ?? deadLetterTopicFor(settings.topic);
  const deadLetters = new DeadLetterQueue(settings.brokers, deadLetterTopic, sink.name);
  const metrics = new Metrics();
  const status = new StatusPublisher(`drain-${settings.groupId}`, 'drain', () => metrics.snapshot());
  status.start();
  try {
    const summary = await drainGroup({
      metrics,
      brokers: settings.brokers,
      topic: settings.topic,
      groupId: settings.groupId,
      sink,
      deadLetters,
      startAtBeginning: settings.startAtBeginning,
      member: settings.member,
      batchSize: settings.batchSize,
      maxRecords: settings.count,
      stopAtEnd: settings.exitAtEnd,
      backoff: settings.backoff,
      signal: settings.signal,
      onStatus: settings.onStatus,
      statusIntervalMs: settings.statusIntervalMs,
    });
    return {type: 'summary', sink: sink.name, deadLetterTopic, outputClosed: false, ...summary};
  } catch (err) {
    if (err instanceof OutputClosedError) return {type: 'summary', sink: sink.name, deadLetterTopic, outputClosed: true, records: 0, deadLettered: 0, stoppedBy: 'signal', partitions: []};
    throw err;
  } finally {
    status.stop();
    await sink.close();
    await deadLetters.close();
  }
}
