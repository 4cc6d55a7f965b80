import {describe, expect, it} from 'vitest';
import {Rng, WeightedTable, carNumber, weightedRace} from '../../src/simulate/random.js';

describe('Rng', () => {
  it('repeats the same stream for the same seed words, and differs for others', () => {
    const take = (r: Rng) => Array.from({length: 20}, () => r.nextUint32());
    expect(take(new Rng(42, 1, 7))).toEqual(take(new Rng(42, 1, 7)));
    expect(take(new Rng(42, 1, 7))).not.toEqual(take(new Rng(42, 1, 8)));
    expect(take(new Rng(42, 1, 7))).not.toEqual(take(new Rng(43, 1, 7)));
    // seeds above 2^32 still matter
    expect(take(new Rng(2 ** 40))).not.toEqual(take(new Rng(2 ** 40 + 2 ** 33)));
  });

  it('rejects seeds that are not non-negative safe integers', () => {
    expect(() => new Rng(-1)).toThrow(RangeError);
    expect(() => new Rng(1.5)).toThrow(RangeError);
  });

  it('next() is in [0,1) and range(lo,hi) covers [lo,hi] evenly', () => {
    const r = new Rng(1);
    const counts = new Array(21).fill(0);
    let min = 1;
    let max = 0;
    const n = 210_000;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      counts[r.range(80, 100) - 80]++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const c of counts) expect(Math.abs(c - n / 21)).toBeLessThan(5 * Math.sqrt(n / 21)); // 5 sigma
  });
});

describe('weighted draws', () => {
  const weights = [30, 30, 10, 20, 5, 5];
  const n = 200_000;

  function frequencies(draw: () => number, k: number): number[] {
    const counts = new Array(k).fill(0);
    for (let i = 0; i < n; i++) counts[draw()]++;
    return counts.map((c) => c / n);
  }

  it("the book's exponential race picks each key in proportion to its weight", () => {
    const r = new Rng(7);
    const entries = weights.map((w, i) => [i, w] as const);
    const freq = frequencies(() => weightedRace(entries, r)!, weights.length);
    weights.forEach((w, i) => expect(freq[i]).toBeCloseTo(w / 100, 2));
  });

  it('WeightedTable gives the same probabilities as the race', () => {
    const r = new Rng(8);
    const table = new WeightedTable(weights);
    const freq = frequencies(() => table.draw(r), weights.length);
    weights.forEach((w, i) => {
      expect(table.probability(i)).toBeCloseTo(w / 100, 12);
      expect(freq[i]).toBeCloseTo(w / 100, 2);
    });
  });

  it('drawInRange picks the range by weight and a value uniformly inside it', () => {
    const r = new Rng(9);
    const table = new WeightedTable([80, 19.9998, 0.0002]);
    const ranges = [[80, 100], [70, 79], [0, 69]] as const;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const v = table.drawInRange(r, ranges);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    for (const v of counts.keys()) expect(v >= 0 && v <= 100).toBe(true);
    const low = [...counts].filter(([v]) => v < 70).reduce((a, [, c]) => a + c, 0);
    expect(low).toBeLessThan(6); // p = 2e-6: 0.4 expected
    const high = [...counts].filter(([v]) => v >= 80).reduce((a, [, c]) => a + c, 0) / n;
    expect(high).toBeCloseTo(0.8, 2);
    for (let v = 80; v <= 100; v++) expect(Math.abs((counts.get(v) ?? 0) / n - 0.8 / 21)).toBeLessThan(0.004);
    for (let v = 70; v <= 79; v++) expect(Math.abs((counts.get(v) ?? 0) / n - 0.2 / 10)).toBeLessThan(0.003);
    // the rare range is reachable, with values spread over all of it
    const rare = new Set<number>();
    const fake = {next: () => 0.999998 + Math.random() * 0.000002} as unknown as Rng;
    for (let i = 0; i < 5000; i++) rare.add(table.drawInRange(fake, ranges));
    expect(Math.min(...rare)).toBe(0);
    expect(Math.max(...rare)).toBe(69);
  });

  it('rejects empty or non-positive weights', () => {
    expect(() => new WeightedTable([])).toThrow(RangeError);
    expect(() => new WeightedTable([1, 0])).toThrow(RangeError);
  });
});

describe('carNumber', () => {
  it('is a random letter and the index with at least four digits', () => {
    const r = new Rng(3);
    const letters = new Set<string>();
    for (let i = 1; i <= 2000; i++) {
      const c = carNumber(i, r);
      expect(c).toMatch(/^[A-Z]\d{4,}$/);
      expect(Number(c.slice(1))).toBe(i);
      letters.add(c[0]);
    }
    expect(letters.size).toBe(26);
    expect(carNumber(42, new Rng(1)).slice(1)).toBe('0042');
    expect(carNumber(12345, new Rng(1)).slice(1)).toBe('12345');
  });
});
