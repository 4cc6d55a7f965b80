/**
 * Randomness for the smart-car simulators: a small seedable PRNG (so `--seed N` reproduces a run
 * byte for byte) and the book's weighted draw.
 *
 * The book (CarStatusInfo/CarDrivingInfo.getWeightedRandom) picks a key of a weight map by an
 * "exponential race": each key k scores -ln(U)/w_k and the lowest score wins, which picks k with
 * probability w_k / sum(w). `weightedRace` is that algorithm as written. The generators use
 * `WeightedTable` instead: the same probabilities from one uniform draw against cumulative
 * weights, several times cheaper on the status simulator's ~22 million draws per 100-car day.
 */
import crypto from 'node:crypto';

/** Largest seed accepted: seeds are kept exact through JSON and JavaScript numbers. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** A fresh random seed, for runs without `--seed` (reported back so they can be repeated). */
export function randomSeed(): number {
  return crypto.randomInt(0, 2 ** 47);
}

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit state. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A 32-bit hash of a list of non-negative integers (seed, stream ids...), used to derive
 * independent streams: one per car, so a car's values do not depend on how many other cars run
 * or on the order their lines are interleaved.
 */
function hashWords(words: readonly number[]): number {
  let h = 0x243f6a88;
  for (const w of words) {
    const lo = w >>> 0;
    const hi = Math.floor(w / 2 ** 32) >>> 0;
    h = mix32(h ^ lo);
    h = mix32(h ^ hi ^ 0x5bd1e995);
  }
  return h;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG): 128-bit state, 32-bit outputs, passes
 * PractRand; plenty for simulated telemetry and fast in JavaScript (only 32-bit integer ops).
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator for the stream named by `words` (e.g. [seed, simulatorId, carIndex]). */
  constructor(...words: number[]) {
    for (const w of words) {
      if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`seed words must be non-negative safe integers, got ${w}`);
    }
    const h = hashWords(words);
    this.a = mix32(h);
    this.b = mix32(this.a ^ 0x1b873593);
    this.c = mix32(this.b ^ 0xcc9e2d51);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), like java.lang.Math.random() / Random.nextDouble(). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [lo, hi], the book's `randomRange(n1, n2)`: (int)(random * (n2-n1+1)) + n1. */
  range(lo: number, hi: number): number {
    return Math.floor(this.next() * (hi - lo + 1)) + lo;
  }
}

/**
 * The book's getWeightedRandom, as written: every key races with an exponential clock of rate
 * `weight`; the earliest wins. Returns the winning key (undefined for an empty list).
 */
export function weightedRace<K>(entries: ReadonlyArray<readonly [K, number]>, rng: Rng): K | undefined {
  let result: K | undefined;
  let best = Number.MAX_VALUE;
  for (const [key, weight] of entries) {
    const value = -Math.log(rng.next()) / weight;
    if (value < best) {
      best = value;
      result = key;
    }
  }
  return result;
}

/**
 * A weighted choice with the probabilities of `weightedRace` (w_k / sum w), drawn with one
 * uniform number against the cumulative weights. `draw` returns the index into `weights`.
 */
export class WeightedTable {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(readonly weights: readonly number[]) {
    if (weights.length === 0 || weights.some((w) => !(w > 0))) throw new RangeError('weights must be positive and non-empty');
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      sum += w;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  draw(rng: Rng): number {
    const x = rng.next() * this.total;
    const c = this.cumulative;
    const last = c.length - 1;
    for (let i = 0; i < last; i++) if (x < c[i]) return i;
    return last;
  }

  /**
   * A weighted choice of a range, then a uniform integer in the chosen range, from ONE uniform
   * draw: where the draw fell inside the chosen key's interval is itself uniform, so it picks the
   * value. Same distribution as the book's (three randomRange draws, then the race), half the
   * draws. Returns the integer.
   */
  drawInRange(rng: Rng, ranges: ReadonlyArray<readonly [number, number]>): number {
    const x = rng.next() * this.total;
    const c = this.cumulative;
    const last = c.length - 1;
    let i = 0;
    while (i < last && x >= c[i]) i++;
    const start = i === 0 ? 0 : c[i - 1];
    const within = Math.min((x - start) / this.weights[i], 0.9999999999999999);
    const [lo, hi] = ranges[i];
    return lo + Math.floor(within * (hi - lo + 1));
  }

  /** The probability of index i. */
  probability(i: number): number {
    return this.weights[i] / this.total;
  }
}

/** The book's car number: a random letter A-Z, then the 1-based index as at least four digits (DecimalFormat "0000"). */
export function carNumber(index: number, rng: Rng): string {
  const letter = String.fromCharCode(65 + rng.range(0, 25));
  return letter + String(index).padStart(4, '0');
}
