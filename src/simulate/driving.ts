/**
 * The book's DRIVER simulator (DriverLogMain -> SmartCarDriver -> CarDrivingInfo), in its exact
 * format: one header line per car (with the book's "Infomation" typo), then one record per car
 * every 2 simulated seconds from 000000 to the hour-24 record 240000 (43,201 records per car).
 * In real time each car writes a record every 100 ms of wall time (the book's sleep(100)), so
 * the simulated day runs 20x faster than the clock and 100 cars write ~1,000 lines/s.
 *
 *   Driver Status Infomation,CarNum,AccStep,BrkStep,WheelStep,DirLightStep,Speed,AreaNum
 *   20160101000002,B0002,3,0,F,N,45,C07
 *
 * One record is evaluated in the book's order (Java string concatenation, left to right):
 *   1. AccStep 0..5 (normal 30/30/10/20/5/5, wild 10/10/10/30/25/15) adds 0/5/10/15/20/25
 *      (wild 0/5/10/20/30/40) km/h, capped at 250; then a SEPARATE area draw: in a congestion
 *      area (A10 B02 C04 D05 E10 F06) speed becomes (int)(speed - speed * 0.7).
 *   2. BrkStep: only when AccStep is 0, 0..3 (normal 30/45/20/5, wild 10/10/50/30) takes off
 *      0/10/20/30 (wild 0/5/10/20) km/h, floored at 0; otherwise 0.
 *   3. WheelStep F (70) or L1..L3, R1..R3 (5 each); wild F 40, others 10 each.
 *   4. DirLightStep: normal drivers follow the wheel (F -> N, L* -> L, R* -> R); wild drivers
 *      draw N 60 / L 20 / R 20 regardless of the wheel.
 *   5. Speed, the running value.
 *   6. AreaNum: the car's fixed letter A..F and a fresh number 01..10 on every record.
 * Wild drivers: the book draws (int)(cars * 0.1) car indices at random into a set (duplicates
 * collapse, so there may be fewer); with fewer than 10 cars there are none.
 */
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {UserError} from '../lib/errors.js';
import {DAY_SECONDS, DRIVING_STREAM, checkCars, checkDate, resolveSeed, secToTime} from './common.js';
import {Rng, WeightedTable, carNumber} from './random.js';

export const DRIVING_HEADER = 'Driver Status Infomation,CarNum,AccStep,BrkStep,WheelStep,DirLightStep,Speed,AreaNum';

/** The book's loop `for (i = 0; i <= 86400; i++) { ...; sleep(100); i += 1; }` steps 2 simulated seconds. */
export const DRIVING_STEP_SECONDS = 2;

/** Records per car for a whole day: seconds 0, 2, ..., 86400. */
export const DRIVING_RECORDS_PER_CAR = DAY_SECONDS / DRIVING_STEP_SECONDS + 1;

/** Wall time between a car's records in real-time mode (the book's sleep(1 * 100)). */
export const REALTIME_TICK_MS = 100;

/** The book's file name (fixed, no date): `driver-realtime-log/SmartCarDriverInfo.log`. */
export const DRIVING_DEFAULT_FILE = path.join('driver-realtime-log', 'SmartCarDriverInfo.log');

export const AREA_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
/** Congestion areas A10 B02 C04 D05 E10 F06, as the 0-based number index for each letter. */
const CONGESTION_INDEX = [9, 1, 3, 4, 9, 5];
export const CONGESTION_AREAS = AREA_LETTERS.map((l, i) => l + String(CONGESTION_INDEX[i] + 1).padStart(2, '0'));

const ACC = [new WeightedTable([30, 30, 10, 20, 5, 5]), new WeightedTable([10, 10, 10, 30, 25, 15])];
const ACC_DELTA = [
  [0, 5, 10, 15, 20, 25],
  [0, 5, 10, 20, 30, 40],
];
const BRK = [new WeightedTable([30, 45, 20, 5]), new WeightedTable([10, 10, 50, 30])];
const BRK_DELTA = [
  [0, 10, 20, 30],
  [0, 5, 10, 20],
];
/** F, L1, L2, L3, R1, R2, R3 */
const WHEEL = [new WeightedTable([70, 5, 5, 5, 5, 5, 5]), new WeightedTable([40, 10, 10, 10, 10, 10, 10])];
const WHEEL_TEXT = ['F', 'L1', 'L2', 'L3', 'R1', 'R2', 'R3'].map((s) => Buffer.from(s, 'latin1'));
const WHEEL_LIGHT = [0, 1, 1, 1, 2, 2, 2];
/** N, L, R (wild drivers' own draw) */
const WILD_LIGHT = new WeightedTable([60, 20, 20]);
const LIGHT_CHAR = [0x4e, 0x4c, 0x52]; // N L R
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const CHAR_0 = 0x30;

/** Longest record line plus its newline. */
export const DRIVING_MAX_LINE_BYTES = 14 + 1 + 10 + 2 + 2 + 3 + 2 + 4 + 4 + 1;

function putInt(buf: Buffer, off: number, n: number): number {
  if (n >= 100) {
    buf[off++] = CHAR_0 + Math.floor(n / 100);
    n %= 100;
    buf[off++] = CHAR_0 + Math.floor(n / 10);
  } else if (n >= 10) {
    buf[off++] = CHAR_0 + Math.floor(n / 10);
  }
  buf[off++] = CHAR_0 + (n % 10);
  return off;
}

/** One driver: the book's CarDrivingInfo state (speed, area letter, wild or not). */
export class DrivingCar {
  /** km/h, 0..250, carried from record to record. */
  speed = 0;
  private readonly kind: 0 | 1;
  private readonly carField: Buffer;
  private readonly areaChar: number;
  private scratch?: Buffer;

  /**
   * @param areaType 0..5: the car's area letter A..F (fixed for the run)
   * @param wild an aggressive driver (the book's `isAdd`)
   */
  constructor(readonly carNum: string, readonly areaType: number, readonly wild: boolean, private readonly rng: Rng) {
    this.kind = wild ? 1 : 0;
    this.carField = Buffer.from(`,${carNum},`, 'latin1');
    this.areaChar = 0x41 + areaType;
  }

  /** The area letter A..F. */
  get areaLetter(): string {
    return AREA_LETTERS[this.areaType];
  }

  /**
   * Draws the next record and writes it, newline included, at buf[off] (DRIVING_MAX_LINE_BYTES
   * must be free); `dateTime` holds the 14 ASCII digits. Returns the offset after the newline.
   */
  writeRecord(buf: Buffer, off: number, dateTime: Buffer): number {
    const rng = this.rng;
    const k = this.kind;
    // 1. AccStep, speed up, then the separate congestion draw.
    const acc = ACC[k].draw(rng);
    let speed = this.speed + ACC_DELTA[k][acc];
    if (speed > 250) speed = 250;
    if (rng.range(0, 9) === CONGESTION_INDEX[this.areaType]) speed = Math.trunc(speed - speed * 0.7);
    // 2. BrkStep, only with the accelerator released.
    let brk = 0;
    if (acc === 0) {
      brk = BRK[k].draw(rng);
      speed -= BRK_DELTA[k][brk];
      if (speed < 0) speed = 0;
    }
    this.speed = speed;
    // 3. WheelStep, and 4. DirLightStep (following the wheel, or the wild driver's own draw).
    const wheel = WHEEL[k].draw(rng);
    const light = this.wild ? WILD_LIGHT.draw(rng) : WHEEL_LIGHT[wheel];
    // 6. AreaNum: the car's letter and a fresh number.
    const area = rng.range(0, 9) + 1;

    for (let j = 0; j < 14; j++) buf[off + j] = dateTime[j];
    off += 14;
    const car = this.carField;
    for (let j = 0; j < car.length; j++) buf[off + j] = car[j];
    off += car.length;
    buf[off++] = CHAR_0 + acc;
    buf[off++] = COMMA;
    buf[off++] = CHAR_0 + brk;
    buf[off++] = COMMA;
    const w = WHEEL_TEXT[wheel];
    buf[off++] = w[0];
    if (w.length > 1) buf[off++] = w[1];
    buf[off++] = COMMA;
    buf[off++] = LIGHT_CHAR[light];
    buf[off++] = COMMA;
    off = putInt(buf, off, speed);
    buf[off++] = COMMA;
    buf[off++] = this.areaChar;
    buf[off++] = area === 10 ? CHAR_0 + 1 : CHAR_0;
    buf[off++] = CHAR_0 + (area % 10);
    buf[off++] = NEWLINE;
    return off;
  }

  /** The next record as a string without the newline, for the 14-digit time `dateTime`. */
  nextLine(dateTime: string): string {
    this.scratch ??= Buffer.alloc(DRIVING_MAX_LINE_BYTES);
    const end = this.writeRecord(this.scratch, 0, Buffer.from(dateTime, 'latin1'));
    return this.scratch.toString('latin1', 0, end - 1);
  }
}

/**
 * The drivers of one run, drawn in the book's order: first the wild car indices
 * ((int)(cars * 0.1) draws from 1..cars into a set), then per car its number (random letter +
 * index) and its area letter. Each car then has its own random stream, so its records do not
 * depend on how many cars run beside it or on the speed mode.
 */
export function createDrivingFleet(cars: number, seed: number): DrivingCar[] {
  const fleetRng = new Rng(seed, DRIVING_STREAM, 0);
  const wild = new Set<number>();
  const wildCount = Math.trunc(cars * 0.1);
  for (let i = 0; i < wildCount; i++) wild.add(fleetRng.range(1, cars));
  const fleet: DrivingCar[] = [];
  for (let i = 1; i <= cars; i++) {
    const carNum = carNumber(i, fleetRng);
    const areaType = fleetRng.range(0, 5);
    fleet.push(new DrivingCar(carNum, areaType, wild.has(i), new Rng(seed, DRIVING_STREAM, i)));
  }
  return fleet;
}

/**
 * One car's lines, header first, then records at fromSecond, fromSecond+2, ... <= toSecond
 * (default: the whole day, 43,202 lines).
 */
export function* drivingLines(car: DrivingCar, date: string, {fromSecond = 0, toSecond = DAY_SECONDS, header = true}: {fromSecond?: number; toSecond?: number; header?: boolean} = {}): Generator<string> {
  if (header) yield DRIVING_HEADER;
  for (let s = fromSecond; s <= toSecond; s += DRIVING_STEP_SECONDS) yield car.nextLine(date + secToTime(s));
}

export type DrivingSpeed = 'realtime' | 'max';

export interface DrivingOptions {
  cars: number;
  /** The log file; lines are appended (its directory is created). */
  outFile: string;
  /** realtime: every car writes a record per 100 ms of wall time; max: as fast as the disk takes it. */
  speed: DrivingSpeed;
  /**
   * Stop after this long. In realtime mode: exactly ceil(durationMs / 100) ticks (one record per
   * car each), i.e. the ticks due at 0, 100, ... ms before durationMs. In max mode: wall time,
   * checked between batches.
   */
  durationMs?: number;
  /** Simulated day, yyyyMMdd. */
  date: string;
  /** Same seed, same lines (in either speed mode). Default: a random seed (returned in the result). */
  seed?: number;
  /** Stops the run (between batches); the result then says stoppedBy: 'signal'. */
  signal?: AbortSignal;
  /** Truncate the file first, like the book's log4j appender (append="false"). Default: append. */
  truncate?: boolean;
  /** Last simulated second (default 86400, the end of the day); for tests and quick looks. */
  toSecond?: number;
  /** Wall time per tick in realtime mode (default 100 ms, the book's); tests shorten it. */
  tickMs?: number;
  /** Called once the arguments were checked and the file is open, before the first write. */
  onStart?: (info: {file: string; seed: number; wildCars: number[]; cars: number; date: string}) => void;
  /** Called after each batch reached the file. */
  onBatch?: (batch: DrivingBatch) => void;
}

/** One write: whole lines, all cars' records for `ticks` consecutive time steps. */
export interface DrivingBatch {
  /** Simulated seconds of the first and last time step in this batch. */
  firstSecond: number;
  lastSecond: number;
  ticks: number;
  /** Record lines in this batch (headers not included). */
  lines: number;
  /** Header lines in this batch (all of them are in the first batch of a run). */
  headers: number;
  bytes: number;
  /** Running totals since the start of the run, this batch included. */
  total: {lines: number; headers: number; bytes: number; ticks: number};
}

export type DrivingStop = 'end-of-day' | 'duration' | 'signal';

export interface DrivingResult {
  file: string;
  /** Record lines written (what a `^\d{14}` filter keeps), all cars together. */
  lines: number;
  /** Header lines written: one per car. */
  headers: number;
  bytes: number;
  cars: number;
  date: string;
  seed: number;
  speed: DrivingSpeed;
  /** Time steps written (each one record per car); the last one's simulated second. */
  ticks: number;
  lastSecond: number | null;
  /** The indices (1-based) of the wild drivers. */
  wildCars: number[];
  stoppedBy: DrivingStop;
  elapsedMs: number;
}

/** The tick after the file's last record of `date` (0 when it has none): where an appending run goes on. */
function resumeTick(file: string, date: string): number {
  let tail: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(length);
      fs.readSync(fd, buf, 0, length, size - length);
      tail = buf.toString('latin1');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return 0; // no file yet
  }
  const records = [...tail.matchAll(/^(\d{8})(\d{2})(\d{2})(\d{2}),/gm)];
  const last = records.at(-1);
  if (!last || last[1] !== date) return 0;
  const second = Number(last[2]) * 3600 + Number(last[3]) * 60 + Number(last[4]);
  return Math.floor(second / DRIVING_STEP_SECONDS) + 1;
}

/** In max mode, a batch is about this many bytes. */
const MAX_BATCH_BYTES = 1024 * 1024;
/** In realtime mode, at most this many overdue ticks are caught up in one write. */
const MAX_CATCH_UP_TICKS = 50;

async function writeFully(fh: fs.promises.FileHandle, buf: Buffer, length: number): Promise<void> {
  let off = 0;
  while (off < length) {
    const {bytesWritten} = await fh.write(buf, off, length - off);
    off += bytesWritten;
  }
}

/**
 * The driver simulator as an async iterator: each batch is yielded after it was appended to the
 * file (so counting what it yields counts what a tail collector can see). Breaking out of the
 * loop stops the run and closes the file.
 *
 * Every write is one `write` of complete lines (one time step of every car, or several), so a
 * tail collector never reads a torn line between batches. In the first batch each car's header
 * line comes right before its first record.
 *
 * Real time: tick k (simulated second 2k) is due k * 100 ms after the start; every due tick is
 * written as one batch. When the process fell behind (a pause, a slow disk), the overdue ticks
 * go out together, so the long-run rate stays 10 records per car per second.
 */
export async function* simulateDriving(options: DrivingOptions): AsyncGenerator<DrivingBatch, DrivingResult> {
  let started = performance.now();
  const cars = checkCars(options.cars);
  const date = checkDate(options.date);
  const seed = resolveSeed(options.seed);
  const speedMode = options.speed;
  if (speedMode !== 'realtime' && speedMode !== 'max') throw new UserError(`invalid --speed "${String(speedMode)}"`, 'use realtime or max');
  const toSecond = options.toSecond ?? DAY_SECONDS;
  if (!Number.isSafeInteger(toSecond) || toSecond < 0 || toSecond > DAY_SECONDS) throw new UserError(`invalid last second ${toSecond}`, `give 0..${DAY_SECONDS}`);
  const durationMs = options.durationMs;
  if (durationMs !== undefined && !(durationMs > 0)) throw new UserError(`invalid --duration ${durationMs} ms`, 'give a duration above zero, e.g. 30s or 5m (leave it out to run to the end of the simulated day)');
  const tickMs = options.tickMs ?? REALTIME_TICK_MS;
  if (!(tickMs > 0)) throw new UserError(`invalid tick ${tickMs} ms`, 'give a tick above zero');

  const file = path.resolve(options.outFile);
  // Appending to a file that already holds this day: go on from its last record, so a second run
  // adds new moments instead of repeating the first run's (same time and car: the same HBase row).
  const startTick = options.truncate ? 0 : resumeTick(file, date);
  if (startTick * DRIVING_STEP_SECONDS > toSecond) {
    throw new UserError(`${file} already holds the whole simulated day ${date}`, 'give --date another day, or --truncate to start the file afresh');
  }
  let fh: fs.promises.FileHandle;
  try {
    fs.mkdirSync(path.dirname(file), {recursive: true});
    fh = await fs.promises.open(file, options.truncate ? 'w' : 'a');
  } catch (err) {
    throw new UserError(`cannot write ${file}: ${(err as Error).message}`, 'give --out a file in a directory you can write to');
  }

  const fleet = createDrivingFleet(cars, seed);
  const wildCars = fleet.flatMap((c, i) => (c.wild ? [i + 1] : []));
  const header = Buffer.from(DRIVING_HEADER + '\n', 'latin1');
  const dayTicks = Math.floor(toSecond / DRIVING_STEP_SECONDS) + 1 - startTick;
  const durationTicks = speedMode === 'realtime' && durationMs !== undefined ? Math.ceil(durationMs / tickMs) : Infinity;
  const limit = Math.min(dayTicks, durationTicks);
  const maxTicksPerBatch = speedMode === 'max' ? Math.max(1, Math.floor(MAX_BATCH_BYTES / (cars * DRIVING_MAX_LINE_BYTES))) : MAX_CATCH_UP_TICKS;
  const buf = Buffer.allocUnsafe(maxTicksPerBatch * cars * DRIVING_MAX_LINE_BYTES + cars * header.length);
  const total = {lines: 0, headers: 0, bytes: 0, ticks: 0};
  let stoppedBy: DrivingStop | undefined;
  const signal = options.signal;

  try {
    options.onStart?.({file, seed, wildCars, cars, date});
    started = performance.now(); // the duration and the real-time schedule count from the first write
    while (total.ticks < limit) {
      if (signal?.aborted) {
        stoppedBy = 'signal';
        break;
      }
      const elapsed = performance.now() - started;
      if (speedMode === 'max' && durationMs !== undefined && elapsed >= durationMs) {
        stoppedBy = 'duration';
        break;
      }
      let n = limit - total.ticks;
      if (speedMode === 'realtime') {
        const due = Math.min(limit, Math.floor(elapsed / tickMs) + 1);
        if (due <= total.ticks) {
          try {
            await sleep(Math.max(1, started + total.ticks * tickMs - performance.now()), undefined, {signal});
          } catch {
            // aborted: noticed at the top of the loop
          }
          continue;
        }
        n = due - total.ticks;
      }
      n = Math.min(n, maxTicksPerBatch);

      // Encode n time steps of every car, then append them in one write.
      let off = 0;
      let headers = 0;
      const first = total.ticks;
      for (let t = first; t < first + n; t++) {
        const dateTime = Buffer.from(date + secToTime((startTick + t) * DRIVING_STEP_SECONDS), 'latin1');
        for (const car of fleet) {
          if (t === 0) {
            off += header.copy(buf, off);
            headers++;
          }
          off = car.writeRecord(buf, off, dateTime);
        }
      }
      await writeFully(fh, buf, off);
      total.lines += n * cars;
      total.headers += headers;
      total.bytes += off;
      total.ticks += n;
      const batch: DrivingBatch = {firstSecond: (startTick + first) * DRIVING_STEP_SECONDS, lastSecond: (startTick + first + n - 1) * DRIVING_STEP_SECONDS, ticks: n, lines: n * cars, headers, bytes: off, total: {...total}};
      options.onBatch?.(batch);
      yield batch;
    }
    stoppedBy ??= total.ticks >= dayTicks ? 'end-of-day' : 'duration';
  } finally {
    await fh.close().catch(() => {});
  }
  return {
    file,
    lines: total.lines,
    headers: total.headers,
    bytes: total.bytes,
    cars,
    date,
    seed,
    speed: speedMode,
    ticks: total.ticks,
    lastSecond: total.ticks > 0 ? (startTick + total.ticks - 1) * DRIVING_STEP_SECONDS : null,
    wildCars,
    stoppedBy,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/**
 * Runs the driver simulator to its end (end of the simulated day, `durationMs`, or `signal`)
 * and returns what was written. `onBatch` sees every batch as it reaches the file.
 */
export async function runDrivingSimulator(options: DrivingOptions): Promise<DrivingResult> {
  const run = simulateDriving(options);
  for (;;) {
    const step = await run.next();
    if (step.done) return step.value;
  }
}
