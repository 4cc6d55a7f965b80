import fs from 'node:fs';
import {openProducer, type DeliveryReport, type OutgoingRecord} from '../client/producer.js';
import type {Acks, CompressionName} from '../client/client-settings.js';
import {UserError, unreadableFile} from '../lib/errors.js';

export interface ProduceOptions {
  brokers: string[];
  topic: string;
  /** Lines come from this file, else from `input` (stdin). */
  file?: string;
  input?: NodeJS.ReadableStream;
  /** Split each line at the first occurrence into key and value; no delimiter: null key. */
  keyDelimiter?: string;
  /** The same key on every record (kcat -k). */
  key?: string;
  /** Static headers added to every record, in order (repeated keys allowed). */
  headers?: Array<{key: string; value: string}>;
  partition?: number;
  acks?: Acks;
  compression?: CompressionName;
  idempotent?: boolean;
  /** transactional.id: the whole input is one transaction. */
  transactionalId?: string;
  /** Records per produce call (default 200: kafkajs groups a call's records in O(n²)); input chunks are flushed right away too. */
  batchRecords?: number;
}

/** Parses repeated `-H key=value`. */
export function parseHeaders(items: string[] | undefined): Array<{key: string; value: string}> {
  return (items ?? []).map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UserError(`header "${item}" is not KEY=VALUE`, 'e.g. -H source=car-17');
    return {key: item.slice(0, eq), value: item.slice(eq + 1)};
  });
}

/** Splits a byte stream into lines (without "\n" or "\r\n"); the last line may lack "\n". */
async function* lines(input: NodeJS.ReadableStream): AsyncGenerator<Buffer[]> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf: Buffer = rest.length ? Buffer.concat([rest, Buffer.from(chunk)]) : Buffer.from(chunk);
    const out: Buffer[] = [];
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      out.push(buf.subarray(start, end));
      start = nl + 1;
    }
    rest = buf.subarray(start);
    if (out.length) yield out;
  }
  if (rest.length) yield [rest];
}

/**
 * Sends each input line as a record: batches of lines per produce call, several calls in
 * flight, and a delivery report of what Kafka acknowledged.
 */
export async function produceLines(options: ProduceOptions): Promise<DeliveryReport> {
  let input = options.input ?? process.stdin;
  if (options.file) {
    input = fs.createReadStream(options.file, {fd: openForLines(options.file), highWaterMark: 1024 * 1024});
  }
  const delimiter = options.keyDelimiter ? Buffer.from(options.keyDelimiter, 'utf8') : undefined;
  const headers = (options.headers ?? []).map((h) => ({key: h.key, value: Buffer.from(h.value, 'utf8')}));
  const batchRecords = options.batchRecords ?? 200;
  const producer = await openProducer(options.topic, {
    brokers: options.brokers,
    acks: options.acks,
    compression: options.compression,
    idempotent: options.idempotent,
    transactionalId: options.transactionalId,
  });
  try {
    const constantKey = options.key === undefined ? null : Buffer.from(options.key, 'utf8');
    const toRecord = (line: Buffer): OutgoingRecord => {
      let key: Buffer | null = constantKey;
      let value = line;
      if (delimiter) {
        const at = line.indexOf(delimiter);
        if (at !== -1) {
          key = line.subarray(0, at);
          value = line.subarray(at + delimiter.length);
        }
      }
      return {key, value, headers, partition: options.partition};
    };
    for await (const chunk of lines(input)) {
      for (let i = 0; i < chunk.length; i += batchRecords) {
        await producer.send(chunk.slice(i, i + batchRecords).map(toRecord));
      }
    }
    return await producer.flush();
  } finally {
    await producer.close();
  }
}

/** Opens --file before anything is sent, so a file that cannot be read is one clear line. */
function openForLines(file: string): number {
  const hint = 'pass a readable file to --file, or pipe lines on stdin';
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw unreadableFile(file, err, hint);
  }
  if (fs.fstatSync(fd).isDirectory()) {
    fs.closeSync(fd);
    throw new UserError(`${file} is a directory, not a file`, hint);
  }
  return fd;
}
