import {fetchRecords, type FetchedRecord} from '../../src/client/fetcher.js';

/** Every record of a topic from the beginning up to its current end. */
export async function readTopic(bootstrap: string, topic: string): Promise<FetchedRecord[]> {
  const records: FetchedRecord[] = [];
  await fetchRecords({brokers: [bootstrap], topic, start: {kind: 'beginning'}, stopAtEnd: true, maxWaitMs: 100}, (batch) => {
    records.push(...batch);
  });
  return records;
}

/** Record values as strings, in partition-then-offset order. */
export async function topicValues(bootstrap: string, topic: string): Promise<string[]> {
  const records = await readTopic(bootstrap, topic);
  records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  return records.map((r) => r.value?.toString() ?? '');
}

export function header(record: FetchedRecord, key: string): string | undefined {
  return record.headers.find((h) => h.key === key)?.value?.toString();
}
