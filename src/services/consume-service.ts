import {fetchRecords, type FetchSummary, type FetchedRecord, type StartPosition} from '../client/fetcher.js';
import type {GroupMemberSettings} from '../client/client-settings.js';
import {consumeAsGroupMember} from '../client/group-consumer.js';
import {UserError} from '../lib/errors.js';
import {DEFAULT_FORMAT, compileFormat, recordToJson} from './record-format.js';

export const FROM_HELP = 'beginning | end | N (offset) | -N (N before the end) | @TIMESTAMP_MS | ISO_TIME or @ISO_TIME (e.g. 2024-05-01T08:00:00Z)';

/** Parses --from. */
export function parseFrom(text: string): StartPosition {
  const t = text.trim();
  if (['beginning', 'start', 'oldest', 'earliest'].includes(t)) return {kind: 'beginning'};
  if (['end', 'newest', 'latest'].includes(t)) return {kind: 'end'};
  if (/^\d+$/.test(t)) return {kind: 'offset', offset: Number(t)};
  if (/^-\d+$/.test(t)) return {kind: 'fromEnd', count: -Number(t)};
  if (t.startsWith('@')) {
    const rest = t.slice(1);
    const ms = /^\d+$/.test(rest) ? Number(rest) : Date.parse(rest);
    if (Number.isFinite(ms)) return {kind: 'timestamp', ms};
  }
  // An ISO time without the @, as `replay --from` takes it.
  if (/^\d{4}-\d{2}-\d{2}T/.test(t) && Number.isFinite(Date.parse(t))) return {kind: 'timestamp', ms: Date.parse(t)};
  throw new UserError(`invalid --from "${text}"`, `use ${FROM_HELP}`);
}

/** Where records come from: a group-less read of chosen partitions, or a consumer group member. */
/** `deliver` resolves true once the records were written out, false if they were not (the output went away, or the read stopped first): then nothing of them is committed. */
export type RecordSource = (deliver: (records: FetchedRecord[]) => Promise<boolean>, signal: AbortSignal) => Promise<FetchSummary>;

export function groupLessSource(options: {
  brokers: string[];
  topic: string;
  partitions?: number[];
  from: StartPosition;
  count?: number;
  exitAtEnd: boolean;
  onWarning?: (message: string) => void;
}): RecordSource {
  return (deliver, signal) =>
    fetchRecords(
      {
        brokers: options.brokers,
        topic: options.topic,
        partitions: options.partitions,
        start: options.from,
        maxRecords: options.count,
        stopAtEnd: options.exitAtEnd,
        signal,
        onWarning: options.onWarning,
      },
      deliver,
    );
}

/**
 * `consume --group G`: joins G and commits what was printed. --from only says where a group with
 * no committed offsets starts; moving a group is `group reset-offsets`.
 */
export function groupSource(options: {brokers: string[]; topic: string; groupId: string; from: StartPosition; count?: number; exitAtEnd: boolean; member?: GroupMemberSettings; onWarning?: (message: string) => void}): RecordSource {
  if (options.from.kind !== 'beginning' && options.from.kind !== 'end') {
    throw new UserError('with --group, --from takes beginning or end: where a group without committed offsets starts', 'move a group with `kcollect group reset-offsets`');
  }
  return (deliver, signal) =>
    consumeAsGroupMember(
      {
        brokers: options.brokers,
        topic: options.topic,
        groupId: options.groupId,
        startAtBeginning: options.from.kind === 'beginning',
        member: options.member,
        maxRecords: options.count,
        stopAtEnd: options.exitAtEnd,
        signal,
        onWarning: options.onWarning,
      },
      deliver,
    );
}

export interface WriteOptions {
  /** kcat-style format; ignored with json. */
  format?: string;
  /** One JSON object per line. */
  json?: boolean;
  out: NodeJS.WritableStream;
  /** Stops the read (Ctrl-C). */
  signal?: AbortSignal;
}

export interface ConsumeResult extends FetchSummary {
  /** The reader went away (`| head`): not an error. */
  outputClosed: boolean;
}

/**
 * Streams records from `source` to `out` as they arrive: one write per fetched batch, the next
 * once it left this process, stopping quietly when the reader closes the pipe.
 */
export async function consumeTo(source: RecordSource, options: WriteOptions): Promise<ConsumeResult> {
  const {out} = options;
  const render = options.json ? (r: FetchedRecord) => Buffer.from(JSON.stringify(recordToJson(r)) + '\n') : compileFormat(options.format ?? DEFAULT_FORMAT);
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onOuterAbort, {once: true});
  if (options.signal?.aborted) stop.abort();
  let outputClosed = false;
  let outputError: Error | undefined;
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') outputClosed = true;
    else outputError = err;
    stop.abort();
  };
  out.on('error', onError);

  // Settles once the bytes left this process (so a pipe's reader that went away, as `| head` does,
  // is known before a group commits them), or the output failed, or the read was stopped.
  const deliver = (records: FetchedRecord[]) =>
    new Promise<boolean>((resolve) => {
      if (stop.signal.aborted) return resolve(false);
      const onStop = () => resolve(false);
      stop.signal.addEventListener('abort', onStop, {once: true});
      out.write(Buffer.concat(records.map(render)), (err) => {
        stop.signal.removeEventListener('abort', onStop);
        resolve(!err && !outputClosed);
      });
    });
  try {
    const summary = await source(deliver, stop.signal);
    if (outputError) throw outputError;
    return {...summary, outputClosed};
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
    // Keep swallowing EPIPE from writes still queued in the stream.
    if (!outputClosed) out.off('error', onError);
  }
}
