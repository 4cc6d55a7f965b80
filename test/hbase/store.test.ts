/**
 * The emulator's tables in memory: versions kept newest first up to the family's VERSIONS, a
 * schema put that drops a family or lowers VERSIONS drops those cells, reads in HBase's order.
 */
import {describe, expect, it} from 'vitest';
import {Store, type LoggedCell} from '../../src/hbase/emulator/store.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const cell = (key: string, column: string, ts: number, value: string): LoggedCell => [b64(key), b64(column), ts, b64(value)];
const read = (store: Store, key: string, maxVersions = 10) => store.readRow('t', Buffer.from(key), {maxVersions}).map((c) => `${c.column} ${c.timestamp}=${c.value}`);

describe('emulator store', () => {
  it('keeps versions newest first up to VERSIONS, and a schema put drops families and extra versions', () => {
    const store = new Store();
    store.apply({op: 'schema', table: 't', families: [{name: 'b', versions: 3}, {name: 'a-b', versions: 1}, {name: 'a', versions: 2}]});
    store.apply({op: 'put', table: 't', cells: [5, 1, 3, 4, 2, 3].map((ts) => cell('r', 'b:q', ts, `v${ts}`))});
    store.apply({op: 'put', table: 't', cells: [cell('r', 'a:z', 1, 'z'), cell('r', 'a-b:x', 1, 'x'), cell('r', 'a:y', 1, 'y'), cell('r', 'a:y', 2, 'y2'), cell('r', 'nope:q', 1, 'n'), cell('r', 'a-b:x', 0, 'older')]});
    // Family by family (a, a-b, b), then qualifier; at most VERSIONS each.
    expect(read(store, 'r')).toEqual(['a:y 2=y2', 'a:y 1=y', 'a:z 1=z', 'a-b:x 1=x', 'b:q 5=v5', 'b:q 4=v4', 'b:q 3=v3']);
    expect(read(store, 'r', 1)).toEqual(['a:y 2=y2', 'a:z 1=z', 'a-b:x 1=x', 'b:q 5=v5']);
    expect(store.latest('t', Buffer.from('r'), 'b', Buffer.from('q'))?.toString()).toBe('v5');
    expect(store.latest('t', Buffer.from('r'), 'b', Buffer.from('none'))).toBeUndefined();

    store.apply({op: 'schema', table: 't', families: [{name: 'b', versions: 2}, {name: 'a', versions: 2}]});
    expect(read(store, 'r')).toEqual(['a:y 2=y2', 'a:y 1=y', 'a:z 1=z', 'b:q 5=v5', 'b:q 4=v4']);
    // The snapshot rebuilds the same state.
    const copy = new Store();
    for (const entry of store.snapshot()) copy.apply(entry);
    expect(read(copy, 'r')).toEqual(read(store, 'r'));
  });

  it('keeps any integer timestamp exactly, in order', () => {
    const store = new Store();
    store.apply({op: 'schema', table: 't', families: [{name: 'f', versions: 5}]});
    const stamps = [-(2 ** 40) - 3, -1, 0, 2 ** 26 - 1, 2 ** 26, 1_451_606_400_123, Number.MAX_SAFE_INTEGER];
    store.apply({op: 'put', table: 't', cells: [...stamps].reverse().map((ts) => cell('r', 'f:q', ts, String(ts)))});
    store.apply({op: 'put', table: 't', cells: stamps.map((ts) => cell('r', 'f:all', ts, String(ts)))});
    const newestFirst = stamps.slice(2).reverse().map((ts) => `f:q ${ts}=${ts}`);
    expect(read(store, 'r').filter((c) => c.startsWith('f:q'))).toEqual(newestFirst);
    expect(read(store, 'r').filter((c) => c.startsWith('f:all'))).toEqual(newestFirst.map((c) => c.replace('f:q', 'f:all')));
  });
});
