/**
 * The book's smart-car STATUS simulator (CarLogMain -> SmartCar -> CarStatusInfo), in its exact
 * format: one header line per car, then one record per car every 4 simulated seconds from
 * 000000 to the hour-24 record 240000 (21,601 records per car), written as fast as possible.
 *
 *   SmartCar Status Information,CarNum,TireFL,TireFR,TireBL,TireBR,LightFL,LightFR,LightBL,LightBR,EngineInfo,BreakInfo,BatteryInfo
 *   20160101000000,K0001,87,84,70,98,1,1,1,1,A,A,99
 *
 * Values (weights are relative, as in the book):
 *   tires    80 -> 80..100, 19.9998 -> 70..79, 0.0002 -> 0..69; a value <= 69 is latched
 *   lights   1 (99.9998) or 2 (0.0002); 2 is latched
 *   engine   A (80), B (19.9998), C (0.0002); C is latched. Brake ("BreakInfo") the same.
 *   battery  90 -> 80..100, 9.9998 -> 50..79, 0.0002 -> 0..49; a value <= 49 is latched
 * "Latched" means a fault, once drawn, repeats in every later record of that car (the book
 * draws again only while the previous value is healthy).
 */
import fs from 'node:fs';
import path from 'node:path';
import {UserError} from '../lib/errors.js';
import {DAY_SECONDS, STATUS_STREAM, checkCars, checkDate, resolveSeed, secToTime} from './common.js';
import {Rng, WeightedTable, carNumber} from './random.js';

export const STATUS_HEADER = 'SmartCar Status Information,CarNum,TireFL,TireFR,TireBL,TireBR,LightFL,LightFR,LightBL,LightBR,EngineInfo,BreakInfo,BatteryInfo';

/** The book's loop `for (i = 0; i <= 86400; i++) { ...; i += 3; }` steps 4 simulated seconds. */
export const STATUS_STEP_SECONDS = 4;

/** Records per car for a whole day: seconds 0, 4, ..., 86400. */
export const STATUS_RECORDS_PER_CAR = DAY_SECONDS / STATUS_STEP_SECONDS + 1;

/** The book's output name, `SmartCarStatusInfo_<yyyyMMdd>.txt`. */
export function statusFileName(date: string): string {
  return `SmartCarStatusInfo_${date}.txt`;
}

const TIRE = new WeightedTable([80, 19.9998, 0.0002]);
const TIRE_RANGES: ReadonlyArray<readonly [number, number]> = [[80, 100], [70, 79], [0, 69]];
const LIGHT = new WeightedTable([99.9998, 0.0002]);
const GRADE = new WeightedTable([80, 19.9998, 0.0002]);
const BATTERY = new WeightedTable([90, 9.9998, 0.0002]);
const BATTERY_RANGES: ReadonlyArray<readonly [number, number]> = [[80, 100], [50, 79], [0, 49]];
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const CHAR_A = 0x41;
const CHAR_0 = 0x30;

/** Longest record line plus its newline: 14 + 1 + car number + 11 fields of at most 3 characters with commas. */
export const STATUS_MAX_LINE_BYTES = 14 + 1 + 10 + 11 * 4 + 1;

/** Writes 0..255 as ASCII digits at buf[off]; returns the offset after them. */
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

/**
 * One car of the status simulator: its number and the latched state of every gauge. Records
 * are encoded straight into a byte buffer (the 100-car day is 2.16 million lines).
 */
export class StatusCar {
  // -1: nothing drawn yet (the book's null). Grades are 0, 1, 2 for A, B, C.
  private readonly tires = [-1, -1, -1, -1];
  private readonly lights = [-1, -1, -1, -1];
  private engine = -1;
  private brake = -1;
  private battery = -1;
  /** ",K0001," */
  private readonly carField: Buffer;

  constructor(readonly carNum: string, private readonly rng: Rng) {
    this.carField = Buffer.from(`,${carNum},`, 'latin1');
  }

  private tire(i: number): number {
    const prev = this.tires[i];
    if (prev !== -1 && prev <= 69) return prev; // latched flat tire
    return (this.tires[i] = TIRE.drawInRange(this.rng, TIRE_RANGES));
  }

  private light(i: number): number {
    if (this.lights[i] === 2) return 2; // latched broken light
    return (this.lights[i] = LIGHT.draw(this.rng) + 1);
  }

  private batteryLevel(): number {
    const prev = this.battery;
    if (prev !== -1 && prev <= 49) return prev; // latched dead battery
    return (this.battery = BATTERY.drawInRange(this.rng, BATTERY_RANGES));
  }

  /**
   * Draws the next record and writes it, newline included, at buf[off] (at least
   * STATUS_MAX_LINE_BYTES must be free). `dateTime` holds the 14 ASCII digits of the time.
   * Returns the offset after the newline.
   */
  writeRecord(buf: Buffer, off: number, dateTime: Buffer): number {
    for (let k = 0; k < 14; k++) buf[off + k] = dateTime[k];
    off += 14;
    const car = this.carField;
    for (let k = 0; k < car.length; k++) buf[off + k] = car[k];
    off += car.length;
    off = putInt(buf, off, this.tire(0));
    buf[off++] = COMMA;
    off = putInt(buf, off, this.tire(1));
    buf[off++] = COMMA;
    off = putInt(buf, off, this.tire(2));
    buf[off++] = COMMA;
    off = putInt(buf, off, this.tire(3));
    for (let i = 0; i < 4; i++) {
      buf[off++] = COMMA;
      buf[off++] = CHAR_0 + this.light(i);
    }
    if (this.engine !== 2) this.engine = GRADE.draw(this.rng); // C is latched
    if (this.brake !== 2) this.brake = GRADE.draw(this.rng);
    buf[off++] = COMMA;
    buf[off++] = CHAR_A + this.engine;
    buf[off++] = COMMA;
    buf[off++] = CHAR_A + this.brake;
    buf[off++] = COMMA;
    off = putInt(buf, off, this.batteryLevel());
    buf[off++] = NEWLINE;
    return off;
  }

  private scratch?: Buffer;

  /** The next record as a string without the newline, for the 14-digit time `dateTime`. */
  nextLine(dateTime: string): string {
    this.scratch ??= Buffer.alloc(STATUS_MAX_LINE_BYTES);
    const end = this.writeRecord(this.scratch, 0, Buffer.from(dateTime, 'latin1'));
    return this.scratch.toString('latin1', 0, end - 1);
  }
}

/** The cars of one status run: numbers drawn as the book does (random letter + index), each car with its own random stream. */
export function createStatusFleet(cars: number, seed: number): StatusCar[] {
  const fleetRng = new Rng(seed, STATUS_STREAM, 0);
  const fleet: StatusCar[] = [];
  for (let i = 1; i <= cars; i++) fleet.push(new StatusCar(carNumber(i, fleetRng), new Rng(seed, STATUS_STREAM, i)));
  return fleet;
}

/**
 * One car's lines, header first, then records at fromSecond, fromSecond+4, ... <= toSecond
 * (default: the whole day, 21,602 lines).
 */
export function* statusLines(car: StatusCar, date: string, {fromSecond = 0, toSecond = DAY_SECONDS, header = true}: {fromSecond?: number; toSecond?: number; header?: boolean} = {}): Generator<string> {
  if (header) yield STATUS_HEADER;
  for (let s = fromSecond; s <= toSecond; s += STATUS_STEP_SECONDS) yield car.nextLine(date + secToTime(s));
}

export interface StatusFileOptions {
  cars: number;
  /** Simulated day, yyyyMMdd. */
  date: string;
  outDir: string;
  /** Same seed, same file. Default: a random seed (returned in the result). */
  seed?: number;
  /** Stops early (the temporary file is removed; nothing appears under the final name). */
  signal?: AbortSignal;
  /** Last simulated second (default 86400, the whole day); for tests and quick looks. */
  toSecond?: number;
}

export interface StatusFileResult {
  /** The finished file (absolute path). */
  file: string;
  /** Record lines (what a `^\d{14}` filter keeps), all cars together. */
  lines: number;
  /** Header lines: one per car. */
  headers: number;
  bytes: number;
  cars: number;
  date: string;
  seed: number;
  elapsedMs: number;
}

/** Size of each of the two output buffers (the status day is ~104 MB). */
const CHUNK_BYTES = 4 * 1024 * 1024;

async function writeFully(fh: fs.promises.FileHandle, buf: Buffer, length: number): Promise<void> {
  let off = 0;
  while (off < length) {
    const {bytesWritten} = await fh.write(buf, off, length - off);
    off += bytesWritten;
  }
}

/**
 * Writes `<outDir>/SmartCarStatusInfo_<date>.txt` like the book's CarLogMain.
 *
 * Interleaving: the book's car threads share one log file, so their lines interleave in no set
 * order. Here it is round-robin by simulated time: for each time step, every car in index order
 * writes its record; in the first step each car's header comes right before its first record.
 *
 * The file is written under a hidden temporary name in the same directory
 * (`.SmartCarStatusInfo_<date>.txt.<pid>.tmp`) and renamed at the end, so a spool-directory
 * collector never sees a half-written file (Flume's spooldir, like ours, skips dot-files). The
 * text is encoded into two 4 MiB buffers in turn (one is filled while the other is on its way
 * to disk), never held whole in memory.
 */
export async function writeStatusFile(options: StatusFileOptions): Promise<StatusFileResult> {
  const started = performance.now();
  const cars = checkCars(options.cars);
  const date = checkDate(options.date);
  const seed = resolveSeed(options.seed);
  const toSecond = options.toSecond ?? DAY_SECONDS;
  if (!Number.isSafeInteger(toSecond) || toSecond < 0 || toSecond > DAY_SECONDS) throw new UserError(`invalid last second ${toSecond}`, `give 0..${DAY_SECONDS}`);
  const outDir = path.resolve(options.outDir);
  try {
    fs.mkdirSync(outDir, {recursive: true});
  } catch (err) {
    throw new UserError(`cannot create the output directory ${outDir}: ${(err as Error).message}`, 'give --out a directory you can write to');
  }
  const file = path.join(outDir, statusFileName(date));
  const tmp = path.join(outDir, `.${statusFileName(date)}.${process.pid}.tmp`);
  const fleet = createStatusFleet(cars, seed);
  const header = Buffer.from(STATUS_HEADER + '\n', 'latin1');

  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(tmp, 'w');
  } catch (err) {
    throw new UserError(`cannot write in ${outDir}: ${(err as Error).message}`, 'give --out a directory you can write to');
  }
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  let current = 0;
  let buf = buffers[0];
  let off = 0;
  let bytes = 0;
  let lines = 0;
  let pending: Promise<void> = Promise.resolve();
  // Hands the filled buffer to the disk and continues in the other one (after its write is done).
  const flush = async () => {
    await pending;
    options.signal?.throwIfAborted();
    bytes += off;
    pending = writeFully(fh, buf, off);
    current ^= 1;
    buf = buffers[current];
    off = 0;
  };
  const limit = CHUNK_BYTES - Math.max(STATUS_MAX_LINE_BYTES, header.length) * 2;
  try {
    for (let s = 0; s <= toSecond; s += STATUS_STEP_SECONDS) {
      const dateTime = Buffer.from(date + secToTime(s), 'latin1');
      for (const car of fleet) {
        if (s === 0) off += header.copy(buf, off);
        off = car.writeRecord(buf, off, dateTime);
        if (off >= limit) await flush();
      }
      lines += cars;
    }
    if (off > 0) await flush();
    await pending;
    await fh.close();
    fs.renameSync(tmp, file);
  } catch (err) {
    await pending.catch(() => {});
    await fh.close().catch(() => {});
    fs.rmSync(tmp, {force: true});
    if ((err as {code?: string}).code === 'ENOSPC') throw new UserError(`no space left writing ${file}`, 'free some disk space or give --out another directory');
    throw err;
  }
  return {file, lines, headers: cars, bytes, cars, date, seed, elapsedMs: Math.round(performance.now() - started)};
}
