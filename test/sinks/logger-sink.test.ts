import {describe, expect, it} from 'vitest';
import {LoggerSink} from '../../src/sinks/logger-sink.js';

const events = (n: number, from = 0) => Array.from({length: n}, (_, i) => ({headers: {n: String(from + i)}, body: Buffer.from(`line number ${from + i} of the file`)}));

describe('logger sink', () => {
  it('prints a sample of each interval and counts the rest, so a big file does not flood the terminal', async () => {
    const lines: string[] = [];
    const sink = new LoggerSink('log', (l) => lines.push(l));
    for (let i = 0; i < 100; i++) await sink.write(events(1000, i * 1000));
    await sink.close();
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('Event: { headers:{"n":"0"} body: "line number 0 of"… }');
    expect(lines[10]).toMatch(/^99,990 more event\(s\) not printed \(100,000 in all/);
  });

  it('samples again in every interval; `sample: all` prints every event as Flume does', async () => {
    const lines: string[] = [];
    const everyWrite = new LoggerSink('log', (l) => lines.push(l), {sample: 2, intervalMs: 0});
    await everyWrite.write(events(5));
    await everyWrite.write(events(5, 5));
    await everyWrite.close();
    expect(lines.filter((l) => l.startsWith('Event:'))).toHaveLength(4);
    expect(lines.filter((l) => l.includes('more event(s)'))).toEqual([expect.stringMatching(/^3 more .*\(5 in all/), expect.stringMatching(/^3 more .*\(10 in all/)]);

    const all: string[] = [];
    const flume = new LoggerSink('log', (l) => all.push(l), {sample: 'all', maxBytesToLog: 100});
    await flume.write(events(50));
    await flume.close();
    expect(all).toHaveLength(50);
    expect(all[49]).toBe('Event: { headers:{"n":"49"} body: "line number 49 of the file" }');
  });
});
