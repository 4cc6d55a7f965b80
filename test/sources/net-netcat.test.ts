import {describe, expect, it} from 'vitest';
import {NetcatSource} from '../../src/sources/net/netcat-source.js';
import {connect, gate, start, stoppedAfterEach} from './net-helpers.js';
import {eventually} from './spooldir-context.js';

const context = stoppedAfterEach();

describe('netcat source', () => {
  it('one event per line, in order, \\r\\n tolerated, lines split across writes; origin is the peer', async () => {
    const ctx = context();
    const {port} = await start(new NetcatSource({name: 'nc', port: 0, batchSize: 7}), ctx);
    const client = await connect(port);
    const lines = Array.from({length: 500}, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    const text = lines.map((l, i) => (i % 3 === 0 ? `${l}\r\n` : `${l}\n`)).join('');
    for (let at = 0; at < text.length; at += 997) await client.write(text.slice(at, at + 997));
    await eventually(() => ctx.events.length === lines.length, 'all lines');
    expect(ctx.bodies()).toEqual(lines);
    expect(ctx.events[0]).toMatchObject({headers: {}, origin: {host: '127.0.0.1'}});
    expect(ctx.events.every((e) => e.rejected === undefined)).toBe(true);
    expect(client.received).toBe(''); // no ack asked for, no replies
  });

  it('ack: each OK comes only after deliver() resolved for its line', async () => {
    const held = gate();
    let safe = 0;
    const ctx = context({
      onDeliver: async (events) => {
        await held.wait;
        safe += events.length;
      },
    });
    const {port} = await start(new NetcatSource({name: 'nc', port: 0, ack: true}), ctx);
    const okArrivedWhenSafe: number[] = [];
    const client = await connect(port, (chunk) => {
      for (const _ of chunk.match(/OK\n/g) ?? []) okArrivedWhenSafe.push(safe);
    });
    await client.write('first\nsecond\n');
    await eventually(() => ctx.deliveries === 1, 'the lines to be handed to the channel');
    // The channel has not taken them: nothing may be acknowledged yet.
    await new Promise((r) => setTimeout(r, 200));
    expect(client.received).toBe('');
    held.open();
    await client.waitFor((r) => r === 'OK\nOK\n', 'two OKs');
    expect(okArrivedWhenSafe).toEqual([2, 2]);
    await client.write('third\n');
    await client.waitFor((r) => r === 'OK\nOK\nOK\n', 'a third OK');
    expect(ctx.bodies()).toEqual(['first', 'second', 'third']);
  });

  it('a line longer than maxLineLength: FAILED, delivered cut and rejected; the connection goes on', async () => {
    const ctx = context();
    const {port} = await start(new NetcatSource({name: 'nc', port: 0, ack: true, maxLineLength: 16}), ctx);
    const client = await connect(port);
    await client.write(`short\n${'y'.repeat(10_000)}\nexactly-15-byte\nafter\n`);
    await client.waitFor((r) => r.split('\n').length === 5, 'four replies');
    expect(client.received).toBe('OK\nFAILED: Event exceeds the maximum length (16 bytes, including newline)\nOK\nOK\n');
    expect(ctx.bodies()).toEqual(['short', 'y'.repeat(15), 'exactly-15-byte', 'after']);
    expect(ctx.events[1].rejected).toMatch(/line of 10000 bytes exceeds maxLineLength \(16 bytes/);
    expect(ctx.counts.get('EventRejectedCount')).toBe(1);
    expect(ctx.logs.join('\n')).toMatch(/127\.0\.0\.1 sent a line of 10000 bytes/);
  });

  it('garbage bytes do not crash it: binary lines are rejected, the source keeps serving', async () => {
    const ctx = context();
    const source = new NetcatSource({name: 'nc', port: 0});
    const {port, stopped} = await start(source, ctx);
    // Pseudo-random bytes: NULs, lone newlines, over-long runs, invalid UTF-8.
    const garbage = Buffer.alloc(300_000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + (i >> 3)) & 0xff;
    const bad = await connect(port);
    await bad.write(garbage);
    await bad.write('\n\u0000\u0001\u0002\n\xff\xfe\n');
    bad.socket.destroy(); // and a peer that vanishes mid-stream
    const good = await connect(port);
    await good.write('still here\n');
    await eventually(() => ctx.bodies().includes('still here'), 'the good line');
    const rejected = ctx.events.filter((e) => e.rejected);
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.some((e) => e.rejected === 'binary data')).toBe(true);
    ctx.stop();
    await stopped;
  });

  it('stops cleanly: an idle connection is hung up and run() returns; a taken port is an error naming it', async () => {
    const ctx = context();
    const source = new NetcatSource({name: 'nc', port: 0});
    const {port, stopped} = await start(source, ctx);
    const idle = await connect(port);
    await idle.write('partial line without newline');
    const other = context();
    await expect(new NetcatSource({name: 'nc2', port}).run(other)).rejects.toThrow(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    ctx.stop();
    await stopped;
    await idle.closed;
    expect(ctx.events).toEqual([]);
  });
});
