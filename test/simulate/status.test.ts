import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UserError} from '../../src/lib/errors.js';
import {Rng} from '../../src/simulate/random.js';
import {STATUS_HEADER, STATUS_RECORDS_PER_CAR, StatusCar, createStatusFleet, statusLines, writeStatusFile} from '../../src/simulate/status.js';
import {STATUS_HEADER_LINE, STATUS_RECORD, hhmmss, parseStatus, type StatusRow} from './formats.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-sim-status-'));
});
afterAll(() => fs.rmSync(dir, {recursive: true, force: true}));

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const readLines = (file: string) => {
  const text = fs.readFileSync(file, 'latin1');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
};

/** A Rng whose first draws are scripted, then a real stream. */
function scripted(values: number[], seed = 1): Rng {
  const real = new Rng(seed);
  const fake = Object.create(real) as Rng;
  fake.next = () => (values.length > 0 ? values.shift()! : real.next());
  return fake;
}

describe('status format', () => {
  it("has the book's header, then one record every 4 simulated seconds through the hour-24 record", () => {
    expect(STATUS_HEADER).toBe(STATUS_HEADER_LINE);
    const [car] = createStatusFleet(1, 11);
    const lines = [...statusLines(car, '20160101')];
    expect(lines).toHaveLength(STATUS_RECORDS_PER_CAR + 1);
    expect(STATUS_RECORDS_PER_CAR).toBe(21_601);
    expect(lines[0]).toBe(STATUS_HEADER_LINE);
    const rows = lines.slice(1).map(parseStatus);
    expect(rows.filter((r, i) => r.time !== `20160101${hhmmss(i * 4)}`)).toEqual([]);
    expect(rows[0].time).toBe('20160101000000');
    expect(rows[1].time).toBe('20160101000004');
    expect(rows.at(-2)!.time).toBe('20160101235956');
    expect(rows.at(-1)!.time).toBe('20160101240000');
    expect(new Set(rows.map((r) => r.car))).toEqual(new Set([car.carNum]));
    expect(car.carNum).toMatch(/^[A-Z]0001$/);
    expect(rows.filter((r) => r.tires.some((t) => t > 100) || r.battery > 100)).toEqual([]);
  });

  it('latches a fault once drawn: flat tire, broken light, engine C, dead battery', () => {
    // Draw order per record: 4 tires, 4 lights, engine, brake, battery. 0.9999995 lands in the
    // 0.0002-weight tail of each table; 0.5 is a healthy value.
    const car = new StatusCar('K0001', scripted([0.9999995, 0.5, 0.5, 0.5, 0.5, 0.5, 0.9999995, 0.5, 0.9999995, 0.5, 0.9999995]));
    const rows: StatusRow[] = [];
    for (let s = 0; s <= 40_000; s += 4) rows.push(parseStatus(car.nextLine(`20160101${hhmmss(s)}`)));
    const first = rows[0];
    expect(first.tires[0]).toBeLessThanOrEqual(69);
    expect(first.lights[2]).toBe(2);
    expect(first.engine).toBe('C');
    expect(first.battery).toBeLessThanOrEqual(49);
    expect(rows.filter((r) => r.tires[0] !== first.tires[0] || r.lights[2] !== 2 || r.engine !== 'C' || r.battery !== first.battery)).toEqual([]);
    // the healthy gauges keep changing
    expect(new Set(rows.map((r) => r.tires[1])).size).toBeGreaterThan(20);
    expect(new Set(rows.map((r) => r.brake))).toEqual(new Set(['A', 'B']));
  });

  it('does not latch the milder values (tires 70-79, battery 50-79, engine B)', () => {
    const car = new StatusCar('K0001', scripted([0.9, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.9, 0.5, 0.95]));
    const first = parseStatus(car.nextLine('20160101000000'));
    expect(first.tires[0]).toBeGreaterThanOrEqual(70);
    expect(first.tires[0]).toBeLessThanOrEqual(79);
    expect(first.engine).toBe('B');
    expect(first.battery).toBeGreaterThanOrEqual(50);
    expect(first.battery).toBeLessThanOrEqual(79);
    const later = Array.from({length: 200}, (_, i) => parseStatus(car.nextLine(`20160101${hhmmss(4 + i * 4)}`)));
    expect(later.some((r) => r.tires[0] >= 80)).toBe(true);
    expect(later.some((r) => r.engine === 'A')).toBe(true);
    expect(later.some((r) => r.battery >= 80)).toBe(true);
  });
});

describe('writeStatusFile', () => {
  it('writes SmartCarStatusInfo_<date>.txt: a header per car and 21,601 records per car, interleaved by time', async () => {
    const out = path.join(dir, 'three');
    const r = await writeStatusFile({cars: 3, date: '20160101', outDir: out, seed: 5});
    expect(r.file).toBe(path.join(out, 'SmartCarStatusInfo_20160101.txt'));
    expect(r).toMatchObject({lines: 3 * 21_601, headers: 3, cars: 3, date: '20160101', seed: 5});
    expect(fs.readdirSync(out)).toEqual(['SmartCarStatusInfo_20160101.txt']);
    const lines = readLines(r.file);
    expect(r.bytes).toBe(fs.statSync(r.file).size);
    expect(lines).toHaveLength(3 * 21_601 + 3);
    // first step: each car's header right before its first record
    expect(lines[0]).toBe(STATUS_HEADER_LINE);
    expect(lines[2]).toBe(STATUS_HEADER_LINE);
    expect(lines[4]).toBe(STATUS_HEADER_LINE);
    const records = lines.filter((l) => /^\d{14}/.test(l));
    expect(records).toHaveLength(3 * 21_601);
    expect(lines.filter((l) => l === STATUS_HEADER_LINE)).toHaveLength(3);
    const rows = records.map(parseStatus);
    const cars = rows.slice(0, 3).map((x) => x.car);
    expect(cars.map((c) => c.slice(1))).toEqual(['0001', '0002', '0003']);
    expect(rows.filter((x, i) => x.car !== cars[i % 3] || x.time !== `20160101${hhmmss(Math.floor(i / 3) * 4)}`)).toEqual([]);
    expect(rows.slice(-3).map((x) => x.time)).toEqual(['20160101240000', '20160101240000', '20160101240000']);
  });

  it('is reproducible with the same seed, and differs with another', async () => {
    const a = await writeStatusFile({cars: 4, date: '20160102', outDir: path.join(dir, 'a'), seed: 99, toSecond: 4000});
    const b = await writeStatusFile({cars: 4, date: '20160102', outDir: path.join(dir, 'b'), seed: 99, toSecond: 4000});
    const c = await writeStatusFile({cars: 4, date: '20160102', outDir: path.join(dir, 'c'), seed: 100, toSecond: 4000});
    expect(sha256(a.file)).toBe(sha256(b.file));
    expect(sha256(a.file)).not.toBe(sha256(c.file));
    // a car's values do not depend on how many cars run beside it
    const solo = await writeStatusFile({cars: 1, date: '20160102', outDir: path.join(dir, 'solo'), seed: 99, toSecond: 4000});
    const car1 = readLines(a.file).filter((l) => l.slice(16, 20) === '0001');
    expect(readLines(solo.file).slice(1)).toEqual(car1);
    // without a seed, one is drawn and reported
    const d = await writeStatusFile({cars: 1, date: '20160102', outDir: path.join(dir, 'd'), toSecond: 40});
    expect(Number.isSafeInteger(d.seed)).toBe(true);
    const again = await writeStatusFile({cars: 1, date: '20160102', outDir: path.join(dir, 'e'), seed: d.seed, toSecond: 40});
    expect(sha256(again.file)).toBe(sha256(d.file));
  });

  it('the 100-car day: 2,160,100 records + 100 headers, ~104 MB, book distributions, faults stay latched', {timeout: 180_000}, async () => {
    const out = path.join(dir, 'hundred');
    const r = await writeStatusFile({cars: 100, date: '20160101', outDir: out, seed: 20160101});
    expect(r.lines).toBe(100 * 21_601);
    expect(r.headers).toBe(100);
    expect(r.bytes).toBe(fs.statSync(r.file).size);
    expect(r.bytes).toBeGreaterThan(100e6); // the book: "100MB"
    expect(r.bytes).toBeLessThan(108e6);
    console.log(`100-car status day: ${r.bytes} bytes in ${r.elapsedMs} ms`);

    const text = fs.readFileSync(r.file, 'latin1');
    let headers = 0;
    let records = 0;
    const tires = {high: 0, mid: 0, low: 0};
    const battery = {high: 0, mid: 0, low: 0};
    const engine: Record<string, number> = {A: 0, B: 0, C: 0};
    const lights = {1: 0, 2: 0};
    const latched = new Map<number, string>(); // car index * 16 + field -> the fault value
    let latchChecks = 0;
    let start = 0;
    while (start < text.length) {
      const end = text.indexOf('\n', start);
      const line = text.slice(start, end);
      start = end + 1;
      if (line === STATUS_HEADER_LINE) {
        headers++;
        continue;
      }
      const m = STATUS_RECORD.exec(line);
      if (!m) throw new Error(`bad line ${records + headers + 1}: ${line}`);
      const i = records++;
      const carIndex = i % 100;
      if (carIndex === 0 && m[1] !== `20160101${hhmmss((i / 100) * 4)}`) throw new Error(`record ${i} at ${m[1]}`);
      for (let k = 3; k <= 6; k++) {
        const v = Number(m[k]);
        if (v >= 80) tires.high++;
        else if (v >= 70) tires.mid++;
        else tires.low++;
      }
      for (let k = 7; k <= 10; k++) lights[m[k] as '1' | '2']++;
      engine[m[11]]++;
      engine[m[12]]++;
      const b = Number(m[13]);
      if (b >= 80) battery.high++;
      else if (b >= 50) battery.mid++;
      else battery.low++;
      // latching: once a field shows a fault, it shows the same value to the end of the day
      for (let k = 3; k <= 13; k++) {
        const key = carIndex * 16 + k;
        const prev = latched.get(key);
        if (prev !== undefined) {
          latchChecks++;
          if (m[k] !== prev) throw new Error(`${m[2]} field ${k} was latched at ${prev} but shows ${m[k]} at ${m[1]}`);
        } else {
          const v = m[k];
          const fault = k <= 6 ? Number(v) <= 69 : k <= 10 ? v === '2' : k <= 12 ? v === 'C' : Number(v) <= 49;
          if (fault) latched.set(key, v);
        }
      }
    }
    expect(headers).toBe(100);
    expect(records).toBe(2_160_100);
    // Among healthy values (a latched fault repeats for the rest of the day, so faults weigh
    // more than their 2e-6 per draw), the book's weights: tires 80:20, battery 90:10, A:B 80:20.
    expect(tires.high / (tires.high + tires.mid)).toBeCloseTo(0.8, 2);
    expect(battery.high / (battery.high + battery.mid)).toBeCloseTo(0.9, 2);
    expect(engine.A / (engine.A + engine.B)).toBeCloseTo(0.8, 2);
    expect(tires.high / (records * 4)).toBeGreaterThan(0.75);
    expect(engine.A / (records * 2)).toBeGreaterThan(0.75);
    // ~2e-6 per draw: 21,601 draws per car and field give each a ~4% chance of a fault in a day,
    // so about 40 latched faults among 100 cars x 10 fields (and the rare values repeat after).
    expect(latched.size).toBeGreaterThan(10);
    expect(latched.size).toBeLessThan(100);
    expect(latchChecks).toBeGreaterThan(0);
    expect(tires.low + lights[2] + engine.C + battery.low).toBe(latchChecks + latched.size);
    fs.rmSync(out, {recursive: true, force: true});
  });

  it('writes under a hidden temporary name and renames at the end, so the final name only ever appears complete', async () => {
    const out = path.join(dir, 'spool');
    fs.mkdirSync(out);
    const seen = new Set<string>();
    let finalSizes: number[] = [];
    const poll = setInterval(() => {
      for (const name of fs.readdirSync(out)) {
        seen.add(name);
        if (name === 'SmartCarStatusInfo_20160103.txt') finalSizes.push(fs.statSync(path.join(out, name)).size);
      }
    }, 1);
    const r = await writeStatusFile({cars: 60, date: '20160103', outDir: out, seed: 3});
    clearInterval(poll);
    const names = [...seen];
    expect(names.some((n) => /^\.SmartCarStatusInfo_20160103\.txt\.\d+\.tmp$/.test(n)), `names seen while writing: ${names}`).toBe(true);
    finalSizes = [...finalSizes, fs.statSync(r.file).size];
    for (const size of finalSizes) expect(size).toBe(r.bytes);
    expect(fs.readdirSync(out)).toEqual(['SmartCarStatusInfo_20160103.txt']);
  });

  it('an aborted run leaves neither the file nor its temporary behind', async () => {
    const out = path.join(dir, 'aborted');
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    await expect(writeStatusFile({cars: 100, date: '20160104', outDir: out, seed: 1, signal: abort.signal})).rejects.toThrow();
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('replaces an older file of the same day atomically', async () => {
    const out = path.join(dir, 'replace');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'SmartCarStatusInfo_20160105.txt'), 'old\n');
    const r = await writeStatusFile({cars: 1, date: '20160105', outDir: out, seed: 1, toSecond: 8});
    expect(readLines(r.file)).toHaveLength(4);
  });

  it('rejects bad input as user errors', async () => {
    await expect(writeStatusFile({cars: 0, date: '20160101', outDir: dir})).rejects.toThrow(UserError);
    await expect(writeStatusFile({cars: 1.5, date: '20160101', outDir: dir})).rejects.toThrow(UserError);
    await expect(writeStatusFile({cars: 1, date: '2016-01-01', outDir: dir})).rejects.toThrow(/invalid --date/);
    await expect(writeStatusFile({cars: 1, date: '20160230', outDir: dir})).rejects.toThrow(UserError);
    await expect(writeStatusFile({cars: 1, date: '20160101', outDir: dir, seed: -3})).rejects.toThrow(/invalid --seed/);
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    await expect(writeStatusFile({cars: 1, date: '20160101', outDir: path.join(file, 'sub')})).rejects.toThrow(UserError);
  });
});
