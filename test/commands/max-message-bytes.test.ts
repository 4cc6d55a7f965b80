/**
 * A topic's max.message.bytes, as a collector meets it: batches fit under any limit (2000 here),
 * also one lowered while the collector runs; a line too large for the topic goes to the
 * dead-letter topic with its origin and the rest arrive once, in order, and the command exits.
 * The line limit of the sink is the topic's, the source's is --max-line-bytes, and each reason
 * names its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import type {FetchedRecord} from '../../src/client/fetcher.js';
import {openProducer} from '../../src/client/producer.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {collect, kcollect, spawnCli} from '../helpers/cli.js';
import {header, readTopic, topicValues} from '../helpers/kafka.js';
import {until} from '../helpers/poll.js';

let broker: Broker;
let bootstrap: string;
beforeAll(async () => {
  ({broker, bootstrap} = await startBroker({offsetsTopicNumPartitions: 1, transactionStateLogNumPartitions: 1}));
});
afterAll(async () => {
  await broker?.close();
});

const lines = (prefix: string, from: number, to: number) => Array.from({length: to - from}, (_, i) => `${prefix}-${String(from + i).padStart(4, '0')} ${'x'.repeat(40)}`);
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join('');
/** A value as its first character and length: a failed comparison of megabyte lines stays readable. */
const brief = (v: string) => (v.length > 100 ? `${v[0]} x ${v.length}` : v);

async function createTopic(name: string, ...configs: string[]): Promise<void> {
  const r = await kcollect(bootstrap, ['topic', 'create', name, '-p', '1', ...configs.flatMap((c) => ['-c', c])]);
  expect(r.code, r.stderr).toBe(0);
}

/** The one dead letter of `topic`, checked to come from `file` (inode `inode`) at `byteOffset`. */
async function deadLetterFrom(topic: string, file: string, byteOffset: number, inode = fs.statSync(file).ino): Promise<FetchedRecord> {
  const letters = await readTopic(bootstrap, `${topic}.dlq`);
  expect(letters).toHaveLength(1);
  const [letter] = letters;
  expect(header(letter, 'dlq.file')).toBe(file);
  expect(header(letter, 'dlq.inode')).toBe(String(inode));
  expect(header(letter, 'dlq.byte-offset')).toBe(String(byteOffset));
  return letter;
}

describe('a topic with max.message.bytes=2000', () => {
  const before = lines('a', 0, 300);
  const big = `BIG ${'y'.repeat(3000)}`;
  const after = lines('a', 300, 600);

  it('tail-produce --exit sends every line once, in order, the line too large for the topic to its dead-letter topic with its origin, and exits 0', async () => {
    await createTopic('small-tail', 'max.message.bytes=2000');
    const cwd = tempDir('msgsize-tail');
    const file = path.join(cwd, 'a.log');
    fs.writeFileSync(file, text([...before, big, ...after]));
    // Before the fix it retried the first 1 MB batch forever: killed here after 30 s.
    const r = await collect(spawnCli(['tail-produce', 'a.log', '--exit', '--topic', 'small-tail', '-b', bootstrap], {cwd}), 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('sent 600 line(s) to small-tail; 0 filtered out; 1 sent to small-tail.dlq');
    expect(await topicValues(bootstrap, 'small-tail')).toEqual([...before, ...after]);
    const letter = await deadLetterFrom('small-tail', file, Buffer.byteLength(text(before)));
    expect(letter.value!.toString()).toBe(big);
    expect(header(letter, 'dlq.reason')).toMatch(/^record of 3004 bytes refused by topic small-tail: MESSAGE_TOO_LARGE \(10\): .*max\.message\.bytes=2000/);
  }, 60_000);

  it('spool-produce ingests the file: every line once, in order, the large one dead-lettered with its origin', async () => {
    await createTopic('small-spool', 'max.message.bytes=2000');
    const dir = tempDir('msgsize-spool');
    fs.writeFileSync(path.join(dir, '.status.tmp'), text([...before, big, ...after]));
    fs.renameSync(path.join(dir, '.status.tmp'), path.join(dir, 'status.txt'));
    const inode = fs.statSync(path.join(dir, 'status.txt')).ino;
    const child = spawnCli(['spool-produce', dir, '--topic', 'small-spool', '-b', bootstrap, '--stable-for', '100ms', '--poll-interval', '100ms']);
    const result = collect(child);
    try {
      // Before the fix the file was never completed: its first batch was retried forever.
      await until(() => fs.existsSync(path.join(dir, 'status.txt.COMPLETED')), 'status.txt.COMPLETED', 30_000);
    } finally {
      child.kill('SIGINT');
    }
    const r = await result;
    expect(r.code, r.stderr).toBe(0);
    expect(await topicValues(bootstrap, 'small-spool')).toEqual([...before, ...after]);
    const letter = await deadLetterFrom('small-spool', path.join(dir, 'status.txt'), Buffer.byteLength(text(before)), inode);
    expect(letter.value!.toString()).toBe(big);
    expect(header(letter, 'dlq.reason')).toMatch(/max\.message\.bytes=2000/);
  }, 60_000);

  it('lowered to 2000 while tail-produce follows the file: nothing stalls, every line once and in order, the large one dead-lettered', async () => {
    await createTopic('lowered-tail');
    const cwd = tempDir('msgsize-lowered');
    const file = path.join(cwd, 'a.log');
    fs.writeFileSync(file, text(lines('a', 0, 100)));
    const child = spawnCli(['tail-produce', 'a.log', '--topic', 'lowered-tail', '-b', bootstrap, '--poll-interval', '50ms'], {cwd});
    const result = collect(child);
    try {
      await until(async () => (await topicValues(bootstrap, 'lowered-tail')).length >= 100, '100 lines in lowered-tail', 30_000);
      const alter = await kcollect(bootstrap, ['topic', 'alter-config', 'lowered-tail', '--set', 'max.message.bytes=2000']);
      expect(alter.code, alter.stderr).toBe(0);
      // Read as one batch and sent as one, sized for the old limit.
      fs.appendFileSync(file, text([...lines('a', 100, 600), big, ...lines('a', 600, 1100)]));
      await until(async () => (await topicValues(bootstrap, 'lowered-tail')).length >= 1100, '1100 lines in lowered-tail', 30_000);
    } finally {
      child.kill('SIGINT');
    }
    const r = await result;
    expect(r.code, r.stderr).toBe(0);
    expect(await topicValues(bootstrap, 'lowered-tail')).toEqual(lines('a', 0, 1100));
    const letter = await deadLetterFrom('lowered-tail', file, Buffer.byteLength(text(lines('a', 0, 600))));
    expect(letter.value!.toString()).toBe(big);
  }, 90_000);

  it('consume --to kafka --exactly-once into it: every record once in the output, the large one dead-lettered with its origin', async () => {
    await createTopic('copy-in');
    await createTopic('copy-out', 'max.message.bytes=2000');
    const producer = await openProducer('copy-in', {brokers: [bootstrap], idempotent: true});
    await producer.send([...before, big, ...after].map((l) => ({key: null, value: Buffer.from(l)})));
    await producer.flush();
    await producer.close();
    const r = await kcollect(bootstrap, ['consume', 'copy-in', '--group', 'copier', '--to', 'kafka', '--topic', 'copy-out', '--exactly-once', '--exit'], {timeoutMs: 60_000});
    expect(r.code, r.stderr).toBe(0);
    expect(await topicValues(bootstrap, 'copy-out')).toEqual([...before, ...after]);
    const letters = await readTopic(bootstrap, 'copy-in.dlq');
    expect(letters.map((l) => [l.value!.toString(), header(l, 'dlq.topic'), header(l, 'dlq.offset')])).toEqual([[big, 'copy-in', '300']]);
    expect(header(letters[0], 'dlq.reason')).toMatch(/refused by topic copy-out: MESSAGE_TOO_LARGE \(10\): .*max\.message\.bytes=2000/);
  }, 90_000);
});

describe("the line limit: --max-line-bytes at the source, the topic's max.message.bytes at the sink", () => {
  it('a line the topic takes arrives whole; a line over --max-line-bytes is dead-lettered with its first --max-line-bytes bytes; each reason names its limit', async () => {
    await createTopic('roomy', 'max.message.bytes=5000000');
    // Raised so the dead letter can hold what --max-line-bytes kept.
    await createTopic('roomy.dlq', 'max.message.bytes=5000000');
    const cwd = tempDir('msgsize-roomy');
    const file = path.join(cwd, 'a.log');
    const fits = 'f'.repeat(1_500_000);
    const tooLong = 'g'.repeat(3_000_000);
    fs.writeFileSync(file, text(['first', fits, tooLong, 'last']));
    const r = await collect(spawnCli(['tail-produce', 'a.log', '--exit', '--topic', 'roomy', '--max-line-bytes', '2MiB', '-b', bootstrap], {cwd}), 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect((await topicValues(bootstrap, 'roomy')).map(brief)).toEqual(['first', 'f x 1500000', 'last']);
    const letter = await deadLetterFrom('roomy', file, Buffer.byteLength(text(['first', fits])));
    expect(header(letter, 'dlq.reason')).toBe('line of 3000000 bytes exceeds --max-line-bytes (2097152 bytes)');
    expect(brief(letter.value!.toString())).toBe('g x 2097152');
  }, 60_000);

  it("with the defaults, a line the topic takes arrives; one within --max-line-bytes but over the topic's limit is dead-lettered, cut to what the dead-letter topic holds", async () => {
    await createTopic('plain');
    const cwd = tempDir('msgsize-plain');
    const file = path.join(cwd, 'a.log');
    const fits = 'f'.repeat(1_040_000);
    const over = 'o'.repeat(1_048_500);
    fs.writeFileSync(file, text(['first', fits, over, 'last']));
    const r = await collect(spawnCli(['tail-produce', 'a.log', '--exit', '--topic', 'plain', '-b', bootstrap], {cwd}), 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect((await topicValues(bootstrap, 'plain')).map(brief)).toEqual(['first', 'f x 1040000', 'last']);
    const letter = await deadLetterFrom('plain', file, Buffer.byteLength(text(['first', fits])));
    expect(header(letter, 'dlq.reason')).toMatch(/^record of 1048500 bytes refused by topic plain: MESSAGE_TOO_LARGE \(10\): batch of \d+ bytes exceeds max\.message\.bytes=1048588$/);
    // The dead-letter topic has the default limit too: the line keeps what fits with its headers.
    const kept = letter.value!.toString();
    expect(kept.length).toBeGreaterThan(1_048_000);
    expect(brief(kept)).toBe(`o x ${kept.length}`);
    expect(kept).toBe(over.slice(0, kept.length));
  }, 60_000);
});
