import {drainGroup} from '../../src/drain/group-drain.js';
import type {DrainStatus} from '../../src/drain/status.js';
import {HBaseRestClient} from '../../src/hbase/rest-client.js';
import {DeadLetterQueue} from '../../src/sinks/dead-letter.js';
import {openSink} from '../../src/sinks/open-sink.js';
import {BOOK_COLUMNS} from './driving-records.js';

/**
 * A group drain of `topic` into the HBase table `table` at `hbaseUrl` under the book's row key,
 * running until finish(): its statuses, a wait for one, and how it ended (undefined while it runs).
 */
export function startHBaseDrain(bootstrap: string, topic: string, table: string, hbaseUrl: string) {
  const statuses: DrainStatus[] = [];
  const waiters: Array<() => void> = [];
  const until = async (what: (s: DrainStatus) => boolean) => {
    while (!statuses.some(what)) await new Promise<void>((r) => waiters.push(r));
  };
  const sink = openSink({kind: 'hbase', url: hbaseUrl, table, family: 'cf1', columns: BOOK_COLUMNS, rowKey: '{date:reverse}-{car_number}', createTable: true});
  const deadLetters = new DeadLetterQueue([bootstrap], `${topic}.dlq`, sink.name);
  const stop = new AbortController();
  const draining = drainGroup({
    brokers: [bootstrap],
    topic,
    groupId: `${table}-loader`,
    sink,
    deadLetters,
    startAtBeginning: true,
    stopAtEnd: false,
    signal: stop.signal,
    onStatus: (s) => {
      statuses.push(s);
      for (const w of waiters.splice(0)) w();
    },
    statusIntervalMs: 200,
  });
  const run = {ended: undefined as string | undefined};
  const failed = draining.then(
    () => (run.ended = 'ended'),
    (err: unknown) => (run.ended = `failed: ${err instanceof Error ? err.message : String(err)}`),
  );
  const finish = async () => {
    stop.abort();
    const summary = await draining;
    await sink.close();
    await deadLetters.close();
    return summary;
  };
  return {statuses, until, failed, run, finish};
}

/** How many rows the table holds, read straight from HBase. */
export async function hbaseRowCount(url: string, table: string): Promise<number> {
  const client = new HBaseRestClient(url);
  try {
    let rows = 0;
    for await (const _ of client.scan(table)) rows++;
    return rows;
  } finally {
    client.close();
  }
}
