import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {FileChannel, type FileChannelOptions} from '../../src/channels/file-channel.js';
import {UserError} from '../../src/lib/errors.js';
import {Line} from '../../src/lib/line.js';
import {LineEvent, lineOrigin, type Event} from '../../src/pipeline/event.js';
import {tempDir} from '../helpers/broker.js';
import {collect} from '../helpers/run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function ev(n: number, bodySize = 10): Event {
  return {headers: {n: String(n)}, body: Buffer.from(`e${n}`.padEnd(bodySize, '.'))};
}

const num = (e: Event) => Number(e.headers.n);
const range = (from: number, to: number) => Array.from({length: to - from}, (_, i) => from + i);

function options(dir: string, more: Partial<FileChannelOptions> = {}): FileChannelOptions {
  return {name: 'c1', dir, capacityEvents: 1000, capacityBytes: 1 << 20, ...more};
}

/** Takes and commits everything there is; returns the numbers in take order. */
async function drain(channel: FileChannel): Promise<number[]> {
  const out: number[] = [];
  for (let tx = await channel.take(1000, 0); tx; tx = await channel.take(1000, 0)) {
    out.push(...tx.events.map(num));
    await tx.commit();
  }
  return out;
}

function segments(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.wal')).sort();
}

describe('file channel', () => {
  it('hands events out in put order; rollback puts them back at the head', async () => {
    const channel = await FileChannel.open(options(tempDir('fch')));
    await channel.put([ev(0), ev(1), ev(2)]);
    await channel.put([ev(3)]);
    await channel.put([ev(4), ev(5), ev(6), ev(7), ev(8), ev(9)]);

    const first = (await channel.take(4, 0))!;
    expect(first.events.map(num)).toEqual([0, 1, 2, 3]);
    await first.rollback();
    const again = (await channel.take(6, 0))!;
    expect(again.events.map(num)).toEqual([0, 1, 2, 3, 4, 5]);
    await again.commit();
    expect(channel.fill()).toMatchObject({events: 4, capacityEvents: 1000});
    expect(await drain(channel)).toEqual([6, 7, 8, 9]);
    expect(channel.fill()).toMatchObject({events: 0, bytes: 0});
    expect(await channel.take(10, 0)).toBeNull();
    await channel.close();
  });

  it('keeps put order across two open transactions rolled back out of order', async () => {
    const channel = await FileChannel.open(options(tempDir('fch')));
    await channel.put(range(0, 10).map((n) => ev(n)));
    const a = (await channel.take(3, 0))!;
    const b = (await channel.take(3, 0))!;
    await a.rollback();
    await b.rollback();
    expect(await drain(channel)).toEqual(range(0, 10));
    await channel.close();
  });

  it('resolves concurrent puts in call order', async () => {
    const channel = await FileChannel.open(options(tempDir('fch')));
    const resolved: number[] = [];
    await Promise.all(range(0, 50).map((i) => channel.put([ev(i)]).then(() => resolved.push(i))));
    expect(resolved).toEqual(range(0, 50));
    expect(await drain(channel)).toEqual(range(0, 50));
    await channel.close();
  });

  it('a waiting take gets the first put; close ends it with null', async () => {
    const channel = await FileChannel.open(options(tempDir('fch')));
    const waiting = channel.take(10, 60_000);
    await channel.put([ev(7)]);
    const tx = (await waiting)!;
    expect(tx.events.map(num)).toEqual([7]);
    await tx.commit();
    const last = channel.take(10, 60_000);
    await channel.close();
    expect(await last).toBeNull();
  });

  it('replays every event put and not committed after a restart, with all its fields', async () => {
    const dir = tempDir('fch');
    const full: Event = {
      headers: {host: 'car-07', 'ключ': 'значение'},
      body: Buffer.from([0, 255, 10, 13, 0x80]),
      origin: {file: '/var/log/drive.log', inode: 2 ** 40 + 3, offset: 2 ** 35},
      kafka: {topic: 'driving', partition: 3, offset: 2 ** 50, timestamp: 1_700_000_000_123, key: Buffer.from('car-07')},
      rejected: 'invalid UTF-8',
    };
    const nullKey: Event = {headers: {}, body: Buffer.alloc(0), kafka: {topic: 't', partition: 0, offset: 0, timestamp: 0, key: null}};
    let channel = await FileChannel.open(options(dir));
    await channel.put(range(0, 10).map((n) => ev(n)));
    await (await channel.take(4, 0))!.commit();
    const open = (await channel.take(3, 0))!;
    expect(open.events.map(num)).toEqual([4, 5, 6]);
    await channel.put([full, nullKey]);
    await channel.close();

    channel = await FileChannel.open(options(dir));
    expect(channel.fill().events).toBe(8);
    const tx = (await channel.take(100, 0))!;
    expect(tx.events.slice(0, 6).map(num)).toEqual([4, 5, 6, 7, 8, 9]);
    // Replayed events are marked: a sink may have written them before the crash.
    expect(tx.events[6]).toEqual({...full, redelivered: true});
    expect(tx.events[7]).toEqual({...nullKey, redelivered: true});
    await tx.commit();
    await channel.close();

    channel = await FileChannel.open(options(dir));
    expect(channel.fill().events).toBe(0);
    expect(await channel.take(100, 0)).toBeNull();
    await channel.close();
  });

  it('ignores and cuts off a torn last record', async () => {
    const dir = tempDir('fch');
    let channel = await FileChannel.open(options(dir));
    for (const n of range(0, 5)) await channel.put([ev(n, 100)]);
    await channel.close();
    const [file] = segments(dir);
    // Cut into the last record, as a write the kill interrupted would.
    const size = fs.statSync(path.join(dir, file)).size;
    fs.truncateSync(path.join(dir, file), size - 30);

    channel = await FileChannel.open(options(dir));
    expect(fs.statSync(path.join(dir, file)).size).toBeLessThan(size - 30);
    await channel.put([ev(5)]);
    await channel.close();

    // A flipped byte in the last record fails its checksum: the same as a torn one.
    const bytes = fs.readFileSync(path.join(dir, file));
    bytes[bytes.length - 3] ^= 0xff;
    fs.writeFileSync(path.join(dir, file), bytes);
    channel = await FileChannel.open(options(dir));
    await channel.put([ev(6)]);
    expect(await drain(channel)).toEqual([0, 1, 2, 3, 6]);
    await channel.close();
  });

  it('refuses a damaged segment that is not the last one', async () => {
    const dir = tempDir('fch');
    const channel = await FileChannel.open(options(dir, {maxSegmentBytes: 500}));
    for (const n of range(0, 10)) await channel.put([ev(n, 200)]);
    await channel.close();
    const [first] = segments(dir);
    const bytes = fs.readFileSync(path.join(dir, first));
    bytes[20] ^= 0xff;
    fs.writeFileSync(path.join(dir, first), bytes);
    const err = await FileChannel.open(options(dir)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain(`${first} is damaged`);
  });

  it('blocks a put while the channel is full until a commit frees room', async () => {
    const channel = await FileChannel.open(options(tempDir('fch'), {capacityEvents: 5}));
    await channel.put(range(0, 5).map((n) => ev(n)));
    const order: string[] = [];
    const blocked = channel.put([ev(5)]).then(() => order.push('put 5'));
    const after = channel.put([ev(6)]).then(() => order.push('put 6'));
    const tx = (await channel.take(2, 0))!;
    expect(channel.fill().events).toBe(5);
    order.push('commit');
    await tx.commit();
    await Promise.all([blocked, after]);
    expect(order).toEqual(['commit', 'put 5', 'put 6']);
    expect(channel.fill().events).toBe(5);
    expect(await drain(channel)).toEqual(range(2, 7));
    await channel.close();
  });

  it('bounds bytes too, and lets a batch bigger than the capacity into an empty channel', async () => {
    const channel = await FileChannel.open(options(tempDir('fch'), {capacityBytes: 1000}));
    await channel.put([ev(0, 400), ev(1, 400)]);
    let done = false;
    const blocked = channel.put([ev(2, 400)]).then(() => (done = true));
    const tx = (await channel.take(1, 0))!;
    expect(done).toBe(false);
    // eventSize: body plus header characters ("n" and the number).
    expect(channel.fill().bytes).toBe(2 * 402);
    await tx.commit();
    await blocked;
    await drain(channel);
    await channel.put([ev(3, 3000)]);
    expect(channel.fill().bytes).toBe(3002);
    expect(await drain(channel)).toEqual([3]);
    await channel.close();
  });

  it('rolls segments and deletes each once all its events were committed', async () => {
    const dir = tempDir('fch');
    let channel = await FileChannel.open(options(dir, {maxSegmentBytes: 1000}));
    for (const n of range(0, 20)) await channel.put([ev(n, 200)]);
    const all = segments(dir);
    expect(all.length).toBeGreaterThanOrEqual(5);

    const tx = (await channel.take(8, 0))!;
    await tx.commit();
    const left = segments(dir);
    expect(left.length).toBeLessThan(all.length);
    expect(left[0]).not.toBe(all[0]);
    await channel.close();

    channel = await FileChannel.open(options(dir, {maxSegmentBytes: 1000}));
    expect(await drain(channel)).toEqual(range(8, 20));
    // Everything committed: only the segment being appended to is left.
    expect(segments(dir)).toHaveLength(1);
    await channel.close();
    channel = await FileChannel.open(options(dir, {maxSegmentBytes: 1000}));
    expect(channel.fill().events).toBe(0);
    await channel.put([ev(20)]);
    expect(await drain(channel)).toEqual([20]);
    await channel.close();
  });

  it('after a restart, does not put again the lines of a file it gave back (a source whose position was behind its log reads them again)', async () => {
    const dir = tempDir('fch');
    const file = '/var/log/drive.log';
    const text = (n: number) => `drive line ${n}`.padEnd(9, '.');
    // As the tail source makes them: lines of one read, each a range of the bytes read.
    const read = (from: number, to: number, inode = 99) => {
      const origin = lineOrigin(file, inode);
      return range(from, to).map((n) => {
        const bytes = Buffer.from(`${text(n)}\n`);
        return LineEvent.of(origin, new Line(n * 100, n * 100 + bytes.length, bytes.length - 1, bytes, 0, bytes.length - 1));
      });
    };
    const bodies = (events: readonly Event[]) => events.map((e) => e.body.toString());
    let channel = await FileChannel.open(options(dir));
    await channel.put(read(0, 10));
    await (await channel.take(3, 0))!.commit();
    // Killed: lines 3-9 were put and not committed, and the position says 2.
    await channel.close();

    const said: string[] = [];
    channel = await FileChannel.open(options(dir, {log: (line) => said.push(line)}));
    // Another file on the same host, and a line at a held offset with other content (the file was rewritten): both new.
    const rewritten = read(3, 4)[0];
    rewritten.body = Buffer.from('rewritten');
    await channel.put([...read(4, 5, 98), rewritten]);
    // The source reads again from its position: 2 (committed: the Kafka sink checks it), 3-9 (held), then new lines.
    await channel.put(read(2, 13));
    // Once the source read past what the log held of the file, its lines are new, whatever their offset.
    await channel.put(read(5, 6));
    expect(bodies((await channel.take(1000, 0))!.events)).toEqual([...range(3, 10).map(text), text(4), 'rewritten', text(2), ...range(10, 13).map(text), text(5)]);
    expect(said).toEqual(['channel c1: 7 event(s) read again were in its log already; not put twice']);
    await channel.close();
  });

  it('refuses a directory another live channel holds', async () => {
    const dir = tempDir('fch');
    const channel = await FileChannel.open(options(dir));
    await expect(FileChannel.open(options(dir))).rejects.toThrow(UserError);
    await channel.close();
    const again = await FileChannel.open(options(dir));
    await again.close();
  });
});

interface Killed {
  lines: string[];
  dir: string;
}

/** Runs the writer child until it reported `puts` resolved puts, then SIGKILLs it. */
async function runAndKill(mode: 'put' | 'take', puts: number): Promise<Killed> {
  const dir = tempDir('fch-kill');
  const child = spawn(process.execPath, [path.join(root, 'test/fixtures/file-channel-writer.mjs'), dir, mode], {stdio: ['ignore', 'pipe', 'pipe']});
  let seen = 0;
  let buffered = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    seen += lines.filter((l) => l.startsWith('put ')).length;
    if (seen >= puts) child.kill('SIGKILL');
  });
  const result = await collect(child, {timeoutMs: 60_000});
  expect(result.signal, result.stderr).toBe('SIGKILL');
  expect(seen).toBeGreaterThanOrEqual(puts);
  return {lines: result.stdout.split('\n').filter(Boolean), dir};
}

/** The highest B over lines "<verb> A B", or -1. */
function lastOf(lines: string[], verb: string): number {
  return Math.max(-1, ...lines.filter((l) => l.startsWith(`${verb} `)).map((l) => Number(l.split(' ')[2])));
}

async function replay(dir: string): Promise<number[]> {
  const channel = await FileChannel.open(options(dir, {capacityEvents: 2000, capacityBytes: 4 << 20}));
  const events = channel.fill().events;
  const numbers = await drain(channel);
  await channel.close();
  expect(numbers.length).toBe(events);
  return numbers;
}

describe('file channel under kill -9 (built dist/)', () => {
  it.each([1, 2, 3, 4])('round %i: every put that resolved is there once, in order', async () => {
    // Below the child's 2000-event capacity: with nothing taking, more puts would wait forever.
    const {lines, dir} = await runAndKill('put', 5 + Math.floor(Math.random() * 150));
    const printed = lastOf(lines, 'put');
    const numbers = await replay(dir);
    // Puts resolve in order, so what came back is 0..k with k at least the last one printed.
    expect(numbers).toEqual(range(0, numbers.length));
    expect(numbers.length).toBeGreaterThan(printed);
  });

  it.each([1, 2, 3, 4])('round %i: with takes and commits, committed events do not come back', async () => {
    // Up to past the capacity, so some puts were waiting for commits when the kill came.
    const {lines, dir} = await runAndKill('take', 5 + Math.floor(Math.random() * 400));
    const putEnd = lastOf(lines, 'put') + 1;
    const committedEnd = lastOf(lines, 'committed') + 1;
    const takenEnd = Math.max(committedEnd, lastOf(lines, 'taken') + 1);
    const numbers = await replay(dir);
    if (numbers.length === 0) {
      expect(putEnd).toBeLessThanOrEqual(takenEnd);
      return;
    }
    // One taker: the committed events are a prefix, so the rest is one run c..k in order.
    const start = numbers[0];
    expect(numbers).toEqual(range(start, start + numbers.length));
    expect(start).toBeGreaterThanOrEqual(committedEnd);
    expect(start).toBeLessThanOrEqual(takenEnd);
    expect(start + numbers.length).toBeGreaterThanOrEqual(putEnd);
  });
});
