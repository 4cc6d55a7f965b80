import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UserError} from '../../src/lib/errors.js';
import {CONGESTION_AREAS, DRIVING_HEADER, DRIVING_RECORDS_PER_CAR, createDrivingFleet, drivingLines, runDrivingSimulator, simulateDriving, type DrivingBatch} from '../../src/simulate/driving.js';
import {DRIVING_HEADER_LINE, hhmmss, parseDriving, type DrivingRow} from './formats.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-sim-driving-'));
});
afterAll(() => fs.rmSync(dir, {recursive: true, force: true}));

let n = 0;
const tmpFile = () => path.join(dir, `d${++n}`, 'SmartCarDriverInfo.log');
const readLines = (file: string) => {
  const text = fs.readFileSync(file, 'latin1');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
};
const records = (lines: string[]) => lines.filter((l) => /^\d{14}/.test(l));

/** The book's speed rules, to check every record's speed against the previous one. */
const ACC_DELTA = [
  [0, 5, 10, 15, 20, 25],
  [0, 5, 10, 20, 30, 40],
];
const BRK_DELTA = [
  [0, 10, 20, 30],
  [0, 5, 10, 20],
];

describe('driving format', () => {
  it("has the book's header (with its typo), then a record every 2 simulated seconds through the hour-24 record", () => {
    expect(DRIVING_HEADER).toBe(DRIVING_HEADER_LINE);
    expect(DRIVING_HEADER).toContain('Infomation');
    expect(DRIVING_RECORDS_PER_CAR).toBe(43_201);
    const [car] = createDrivingFleet(1, 4);
    const lines = [...drivingLines(car, '20160101')];
    expect(lines).toHaveLength(43_202);
    expect(lines[0]).toBe(DRIVING_HEADER_LINE);
    const rows = lines.slice(1).map(parseDriving);
    expect(rows.filter((r, i) => r.time !== `20160101${hhmmss(i * 2)}` || r.car !== car.carNum)).toEqual([]);
    expect(rows.at(-1)!.time).toBe('20160101240000');
    expect(rows.at(-2)!.time).toBe('20160101235958');
    expect(rows.filter((r) => r.speed > 250 || r.area[0] !== car.areaLetter)).toEqual([]);
  });

  it('congestion areas are A10 B02 C04 D05 E10 F06', () => {
    expect(CONGESTION_AREAS).toEqual(['A10', 'B02', 'C04', 'D05', 'E10', 'F06']);
  });

  it('draws wild drivers as the book does: (int)(cars * 0.1) picks into a set', () => {
    expect(createDrivingFleet(9, 1).filter((c) => c.wild)).toEqual([]);
    for (const seed of [1, 2, 3, 4, 5]) {
      const wild = createDrivingFleet(100, seed).filter((c) => c.wild).length;
      expect(wild).toBeGreaterThanOrEqual(5);
      expect(wild).toBeLessThanOrEqual(10);
    }
    const fleet = createDrivingFleet(100, 1);
    expect(new Set(fleet.map((c) => c.areaLetter)).size).toBe(6);
    expect(fleet.map((c) => c.carNum.slice(1))).toEqual(Array.from({length: 100}, (_, i) => String(i + 1).padStart(4, '0')));
  });
});

describe('driving behaviour (100 cars, seeded, 1,001 time steps)', () => {
  let rows: DrivingRow[];
  let wild: Set<string>;
  beforeAll(async () => {
    const file = tmpFile();
    const r = await runDrivingSimulator({cars: 100, outFile: file, speed: 'max', date: '20160101', seed: 77, toSecond: 2000});
    expect(r).toMatchObject({lines: 100_100, headers: 100, ticks: 1001, lastSecond: 2000, stoppedBy: 'end-of-day'});
    const lines = readLines(file);
    expect(lines.filter((l) => l === DRIVING_HEADER_LINE)).toHaveLength(100);
    rows = records(lines).map(parseDriving);
    const fleet = createDrivingFleet(100, 77);
    wild = new Set(fleet.filter((c) => c.wild).map((c) => c.carNum));
    expect(r.wildCars).toEqual(fleet.flatMap((c, i) => (c.wild ? [i + 1] : [])));
    expect(wild.size).toBeGreaterThan(0);
  });

  it('speed follows accelerator, congestion and brake, in the evaluation order of the book', () => {
    const prev = new Map<string, number>();
    const bad: string[] = [];
    let congested = 0;
    let distinguishable = 0;
    for (const r of rows) {
      const k = wild.has(r.car) ? 1 : 0;
      const p = prev.get(r.car) ?? 0;
      const s1 = Math.min(p + ACC_DELTA[k][r.acc], 250);
      const s1c = Math.trunc(s1 - s1 * 0.7);
      const brake = (x: number) => (r.acc === 0 ? Math.max(x - BRK_DELTA[k][r.brk], 0) : x);
      const plain = brake(s1);
      const jammed = brake(s1c);
      if (r.acc !== 0 && r.brk !== 0) bad.push(`brake ${r.brk} with accelerator ${r.acc}: ${JSON.stringify(r)}`);
      if (r.speed !== plain && r.speed !== jammed) bad.push(`speed ${r.speed} after ${p}: ${JSON.stringify(r)}`);
      if (plain !== jammed) {
        distinguishable++;
        if (r.speed === jammed) congested++;
      }
      prev.set(r.car, r.speed);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    // the congestion draw is a separate 1-in-10 area draw
    expect(congested / distinguishable).toBeGreaterThan(0.07);
    expect(congested / distinguishable).toBeLessThan(0.13);
    expect(rows.some((r) => r.speed === 250)).toBe(true);
  });

  it('accelerator, brake and wheel steps follow the book weights for normal and wild drivers', () => {
    const freq = (xs: DrivingRow[], f: (r: DrivingRow) => string | number) => {
      const m = new Map<string | number, number>();
      for (const x of xs) m.set(f(x), (m.get(f(x)) ?? 0) + 1);
      return (key: string | number) => (m.get(key) ?? 0) / xs.length;
    };
    const normal = rows.filter((r) => !wild.has(r.car));
    const wilds = rows.filter((r) => wild.has(r.car));
    const accN = freq(normal, (r) => r.acc);
    [30, 30, 10, 20, 5, 5].forEach((w, i) => expect(accN(i)).toBeCloseTo(w / 100, 1));
    const accW = freq(wilds, (r) => r.acc);
    [10, 10, 10, 30, 25, 15].forEach((w, i) => expect(accW(i)).toBeCloseTo(w / 100, 1));
    const brkN = freq(normal.filter((r) => r.acc === 0), (r) => r.brk);
    [30, 45, 20, 5].forEach((w, i) => expect(brkN(i)).toBeCloseTo(w / 100, 1));
    const brkW = freq(wilds.filter((r) => r.acc === 0), (r) => r.brk);
    [10, 10, 50, 30].forEach((w, i) => expect(brkW(i)).toBeCloseTo(w / 100, 1));
    expect(freq(normal, (r) => r.wheel)('F')).toBeCloseTo(0.7, 1);
    expect(freq(wilds, (r) => r.wheel)('F')).toBeCloseTo(0.4, 1);
  });

  it('turn signals follow the wheel for normal drivers; wild drivers signal at random (N 60, L 20, R 20)', () => {
    const normal = rows.filter((r) => !wild.has(r.car));
    expect(normal.filter((r) => r.light !== (r.wheel === 'F' ? 'N' : r.wheel[0]))).toEqual([]);
    const wilds = rows.filter((r) => wild.has(r.car));
    const mismatched = wilds.filter((r) => r.light !== (r.wheel === 'F' ? 'N' : r.wheel[0])).length / wilds.length;
    expect(mismatched).toBeGreaterThan(0.4);
    expect(wilds.filter((r) => r.light === 'N').length / wilds.length).toBeCloseTo(0.6, 1);
  });

  it("keeps each car's area letter and draws the number 01..10 afresh", () => {
    const letters = new Map<string, Set<string>>();
    const numbers = new Map<string, number>();
    for (const r of rows) {
      if (!letters.has(r.car)) letters.set(r.car, new Set());
      letters.get(r.car)!.add(r.area[0]);
      numbers.set(r.area.slice(1), (numbers.get(r.area.slice(1)) ?? 0) + 1);
    }
    for (const s of letters.values()) expect(s.size).toBe(1);
    expect([...numbers.keys()].sort()).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10']);
    for (const c of numbers.values()) expect(c / rows.length).toBeCloseTo(0.1, 1);
  });
});

describe('runDrivingSimulator', () => {
  it('max speed, 2 cars, a whole simulated day: 43,201 records per car plus a header each', async () => {
    const file = tmpFile();
    const r = await runDrivingSimulator({cars: 2, outFile: file, speed: 'max', date: '20160101', seed: 1});
    expect(r).toMatchObject({lines: 86_402, headers: 2, cars: 2, ticks: 43_201, lastSecond: 86_400, stoppedBy: 'end-of-day', speed: 'max'});
    const lines = readLines(file);
    expect(lines).toHaveLength(86_404);
    expect(r.bytes).toBe(fs.statSync(file).size);
    expect([lines[0], lines[2]]).toEqual([DRIVING_HEADER_LINE, DRIVING_HEADER_LINE]);
    const rows = records(lines).map(parseDriving);
    expect(rows.filter((x, i) => x.time !== `20160101${hhmmss(Math.floor(i / 2) * 2)}`)).toEqual([]);
    expect(rows.slice(-2).map((x) => x.time)).toEqual(['20160101240000', '20160101240000']);
  });

  it('real time: a record per car every tick, the book 100 ms by default (100 cars: ~1,000 lines/s)', async () => {
    const file = tmpFile();
    const batches: DrivingBatch[] = [];
    const r = await runDrivingSimulator({cars: 100, outFile: file, speed: 'realtime', durationMs: 1000, date: '20160101', seed: 2, onBatch: (b) => batches.push(b)});
    expect(r).toMatchObject({lines: 1000, headers: 100, ticks: 10, lastSecond: 18, stoppedBy: 'duration'});
    expect(batches.reduce((a, b) => a + b.lines, 0)).toBe(1000);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(records(readLines(file))).toHaveLength(1000);
  });

  it('real time and max write the same lines for the same seed', async () => {
    const a = tmpFile();
    const b = tmpFile();
    await runDrivingSimulator({cars: 5, outFile: a, speed: 'realtime', tickMs: 5, durationMs: 100, date: '20160101', seed: 3});
    await runDrivingSimulator({cars: 5, outFile: b, speed: 'max', toSecond: 38, date: '20160101', seed: 3});
    expect(fs.readFileSync(a, 'latin1')).toBe(fs.readFileSync(b, 'latin1'));
    const c = tmpFile();
    await runDrivingSimulator({cars: 5, outFile: c, speed: 'max', toSecond: 38, date: '20160101', seed: 4});
    expect(fs.readFileSync(c, 'latin1')).not.toBe(fs.readFileSync(b, 'latin1'));
  });

  it('every batch is whole lines: after each write the file ends with a newline and holds exactly the counted bytes', async () => {
    const file = tmpFile();
    const bad: string[] = [];
    const r = await runDrivingSimulator({
      cars: 7,
      outFile: file,
      speed: 'realtime',
      tickMs: 2,
      durationMs: 200,
      date: '20160101',
      seed: 5,
      onBatch: (b) => {
        const size = fs.statSync(file).size;
        const fd = fs.openSync(file, 'r');
        const last = Buffer.alloc(1);
        fs.readSync(fd, last, 0, 1, size - 1);
        fs.closeSync(fd);
        if (size !== b.total.bytes || last[0] !== 0x0a) bad.push(`after batch ${JSON.stringify(b)}: size ${size}`);
      },
    });
    expect(bad).toEqual([]);
    expect(r.ticks).toBe(100);
  });

  it("appends by default: a second run of the same day goes on after the first one's last moment (no row key repeats); truncates on request", async () => {
    const file = tmpFile();
    await runDrivingSimulator({cars: 2, outFile: file, speed: 'max', toSecond: 10, date: '20160101', seed: 6});
    const second = await runDrivingSimulator({cars: 2, outFile: file, speed: 'max', toSecond: 20, date: '20160101', seed: 7});
    expect(second.lines).toBe(10); // seconds 12..20
    let lines = readLines(file);
    expect(lines.filter((l) => l === DRIVING_HEADER_LINE)).toHaveLength(4);
    const keys = records(lines).map((l) => l.split(',').slice(0, 2).join(','));
    expect(keys).toHaveLength(22);
    expect(new Set(keys).size).toBe(22);
    expect(records(lines).at(-1)).toMatch(/^20160101000020,/);
    // Another day in the same file starts at midnight; a day already complete is refused.
    await runDrivingSimulator({cars: 2, outFile: file, speed: 'max', toSecond: 2, date: '20160102', seed: 8});
    expect(records(readLines(file)).at(-1)).toMatch(/^20160102000002,/);
    await expect(runDrivingSimulator({cars: 2, outFile: file, speed: 'max', toSecond: 2, date: '20160102', seed: 8})).rejects.toThrow(/already holds the whole simulated day 20160102/);
    await runDrivingSimulator({cars: 2, outFile: file, speed: 'max', toSecond: 10, date: '20160101', seed: 8, truncate: true});
    lines = readLines(file);
    expect(lines).toHaveLength(14);
  });

  it('stops when the signal aborts, after whole lines', async () => {
    const file = tmpFile();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const r = await runDrivingSimulator({cars: 10, outFile: file, speed: 'realtime', tickMs: 10, date: '20160101', seed: 9, signal: abort.signal});
    expect(r.stoppedBy).toBe('signal');
    expect(r.ticks).toBeGreaterThan(3);
    expect(r.ticks).toBeLessThan(200);
    expect(r.lines).toBe(r.ticks * 10);
    expect(records(readLines(file))).toHaveLength(r.lines);
  });

  it('max speed stops after --duration of wall time', async () => {
    const file = tmpFile();
    const r = await runDrivingSimulator({cars: 100, outFile: file, speed: 'max', durationMs: 30, date: '20160101', seed: 10});
    expect(r.stoppedBy).toBe('duration');
    expect(r.ticks).toBeGreaterThan(0);
    expect(r.ticks).toBeLessThan(43_201);
    expect(records(readLines(file))).toHaveLength(r.lines);
  });

  it('as an async iterator: yields each batch after it is written; breaking out stops the run', async () => {
    const file = tmpFile();
    let lines = 0;
    let batches = 0;
    for await (const b of simulateDriving({cars: 3, outFile: file, speed: 'realtime', tickMs: 5, date: '20160101', seed: 11})) {
      lines += b.lines;
      expect(b.total.lines).toBe(lines);
      expect(records(readLines(file))).toHaveLength(lines);
      if (++batches === 5) break;
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(records(readLines(file))).toHaveLength(lines);
    // the iterator's return value is the result
    const run = simulateDriving({cars: 3, outFile: tmpFile(), speed: 'max', toSecond: 20, date: '20160101', seed: 11});
    let step = await run.next();
    let counted = 0;
    while (!step.done) {
      counted += step.value.lines;
      step = await run.next();
    }
    expect(step.value).toMatchObject({lines: counted, headers: 3, ticks: 11});
  });

  it('rejects bad input as user errors, before touching the file', async () => {
    const file = tmpFile();
    const base = {cars: 1, outFile: file, speed: 'max' as const, date: '20160101'};
    await expect(runDrivingSimulator({...base, cars: 0})).rejects.toThrow(UserError);
    await expect(runDrivingSimulator({...base, date: '201601011'})).rejects.toThrow(/invalid --date/);
    await expect(runDrivingSimulator({...base, speed: 'fast' as 'max'})).rejects.toThrow(/invalid --speed/);
    await expect(runDrivingSimulator({...base, durationMs: 0})).rejects.toThrow(/invalid --duration/);
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });
});
