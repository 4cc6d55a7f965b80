/**
 * The emulator reads plain CellSet puts from their bytes (cellset-scanner.ts) and every other
 * form with JSON.parse: both must store the same cells, a malformed body is a 400 saying why,
 * and a restart reads back what either wrote, as well as logs written before the scanner.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {scanCellSet, CELL_FIELDS} from '../../src/hbase/emulator/cellset-scanner.js';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {LOG_FILE} from '../../src/hbase/emulator/log.js';
import {HBaseRestClient} from '../../src/hbase/rest-client.js';
import {tempDir} from '../helpers/broker.js';

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64');
const everyByte = Buffer.from(Array.from({length: 256}, (_, i) => i));

interface Cell {
  column: string;
  timestamp: number;
  value: Buffer;
}
/** Rows with every byte 0-255 in keys and values, empty values, and five versions of one cell (the table keeps 3). */
const ROWS: Array<{key: Buffer; cells: Cell[]}> = [
  {key: everyByte, cells: [{column: 'cf:all', timestamp: 1, value: everyByte}, {column: 'cf:empty', timestamp: 2, value: Buffer.alloc(0)}]},
  {key: Buffer.from('versions'), cells: [5, 3, 1, 4, 2].map((ts) => ({column: 'cf:v', timestamp: ts, value: Buffer.from(`v${ts}`)}))},
  {key: Buffer.from('again'), cells: [{column: 'cf:v', timestamp: 9, value: Buffer.from('first')}, {column: 'cf:v', timestamp: 9, value: Buffer.from('second')}]},
  ...Array.from({length: 50}, (_, i) => ({key: Buffer.from(`row-${i}`), cells: ['a', 'b', 'ünï'].map((q, j) => ({column: `cf:${q}`, timestamp: 1_451_606_400_000 + i, value: everyByte.subarray(i + j, i + j + (i % 4))}))})),
];

/** The rows as a plain CellSet (what the sink sends), pretty-printed when `indent` is given. */
const plain = (indent?: number) => JSON.stringify({Row: ROWS.map((r) => ({key: b64(r.key), Cell: r.cells.map((c) => ({column: b64(c.column), timestamp: c.timestamp, $: b64(c.value)}))}))}, null, indent);
/** The same cells in forms the scanner leaves to JSON.parse: members in another order with an extra one, an escaped '/'. */
const general = () =>
  JSON.stringify({Row: ROWS.map((r) => ({Cell: r.cells.map((c) => ({$: b64(c.value), timestamp: c.timestamp, column: b64(c.column), tags: []})), key: b64(r.key)}))}).replace(/\//g, '\\/');

async function emulator(dataDir?: string): Promise<{emu: HBaseEmulator; client: HBaseRestClient}> {
  const emu = await startHBaseEmulator({dataDir});
  const client = new HBaseRestClient(emu.url);
  stops.push(() => emu.stop(), () => client.close());
  return {emu, client};
}

async function put(url: string, table: string, body: string): Promise<{status: number; text: string}> {
  const res = await fetch(`${url}/${table}/fakerow`, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body});
  return {status: res.status, text: await res.text()};
}

/** Every row of `table` with every version, as text. */
async function dump(client: HBaseRestClient, table: string): Promise<string[]> {
  const out: string[] = [];
  for await (const row of client.scan(table, {maxVersions: 10})) for (const c of row.cells) out.push(`${row.key.toString('hex')} ${c.column} ${c.timestamp} ${c.value.toString('hex')}`);
  return out;
}

describe('CellSet scanner', () => {
  it('reads the plain form with its members in any order and any whitespace', () => {
    const body = Buffer.from(` {\n"Row" : [ {"Cell":[ {"$":"${b64(everyByte)}", "timestamp" : -5 ,"column":"${b64('cf:a')}"}, {"column":"${b64('cf:a')}","timestamp":0,"$":""} ],\t"key":"${b64('k')}"} ] }\r\n`);
    const scanned = scanCellSet(body)!;
    expect(scanned.keys).toEqual([b64('k')]);
    expect(scanned.columns).toEqual([b64('cf:a')]);
    expect(scanned.cellCount).toBe(2);
    const cell = (i: number) => Array.from(scanned.cells.subarray(CELL_FIELDS * i, CELL_FIELDS * (i + 1)));
    const [row, column, timestamp, start, end] = cell(0);
    expect([row, column, timestamp]).toEqual([0, 0, -5]);
    expect(body.toString('latin1', start, end)).toBe(b64(everyByte));
    expect(cell(1).slice(0, 3)).toEqual([0, 0, 0]);
    expect(cell(1)[3]).toBe(cell(1)[4]);
    expect(scanCellSet(Buffer.from('{"Row":[]}'))!.cellCount).toBe(0);
  });

  it('leaves every other form to JSON.parse, and never throws', () => {
    const key = `"key":"${b64('k')}"`;
    const cell = (inner: string) => `{"Row":[{${key},"Cell":[{${inner}}]}]}`;
    const col = `"column":"${b64('cf:a')}"`;
    const others = [
      cell(`${col},"$":"dg=="`), // no timestamp: the server stamps it
      `{"Row":[{"Cell":[{${col},"timestamp":1,"$":"dg=="}]}]}`, // no key: the path's
      cell(`"timestamp":1,"$":"dg=="`), // no column: the path's
      cell(`${col},"timestamp":1.5,"$":"dg=="`),
      cell(`${col},"timestamp":1e3,"$":"dg=="`),
      cell(`${col},"timestamp":01,"$":"dg=="`),
      cell(`${col},"timestamp":1234567890123456,"$":"dg=="`),
      cell(`${col},"timestamp":1,"$":"dg"`), // not canonical base64
      cell(`${col},"timestamp":1,"$":"d\\u0067=="`),
      cell(`${col},"timestamp":1,"$":"dg==","$":"dg=="`),
      cell(`${col},"timestamp":1,"$":"dg==","extra":1`),
      `{"Row":[{"key":"","Cell":[]}]}`,
      `{"Row":[]}x`,
      `[{"Row":[]}]`,
    ];
    for (const body of others) expect(scanCellSet(Buffer.from(body)), body).toBeNull();
    const good = Buffer.from(plain());
    for (let n = 0; n < good.length; n += 7) expect(scanCellSet(good.subarray(0, n))).toBeNull();
  });

  it('stores the same cells from the plain form as from any other, and reads them back after a restart', async () => {
    expect(scanCellSet(Buffer.from(plain(2)))).not.toBeNull();
    expect(scanCellSet(Buffer.from(general()))).toBeNull();
    const dataDir = tempDir('hbase-scanner');
    const {emu, client} = await emulator(dataDir);
    for (const t of ['plain', 'pretty', 'general']) await client.createTable(t, ['cf']);
    expect(await put(emu.url, 'plain', plain())).toMatchObject({status: 200});
    expect(await put(emu.url, 'pretty', plain(2))).toMatchObject({status: 200});
    expect(await put(emu.url, 'general', general())).toMatchObject({status: 200});
    const expected = await dump(client, 'general');
    expect(expected).toContain(`${Buffer.from('versions').toString('hex')} cf:v 3 ${Buffer.from('v3').toString('hex')}`);
    expect(expected.filter((l) => l.startsWith(Buffer.from('versions').toString('hex')))).toHaveLength(3);
    expect(expected).toContain(`${Buffer.from('again').toString('hex')} cf:v 9 ${Buffer.from('second').toString('hex')}`);
    expect(expected).toContain(`${everyByte.toString('hex')} cf:empty 2 `);
    expect(await dump(client, 'plain')).toEqual(expected);
    expect(await dump(client, 'pretty')).toEqual(expected);
    // One line per put in the log, the pretty one's line breaks included.
    expect(fs.readFileSync(path.join(dataDir, LOG_FILE), 'utf8').trimEnd().split('\n')).toHaveLength(6);

    await emu.stop();
    const again = await emulator(dataDir);
    for (const t of ['plain', 'pretty', 'general']) expect(await dump(again.client, t)).toEqual(expected);
  });

  it('replays a log written before plain puts were logged as their bytes', async () => {
    const dataDir = tempDir('hbase-old-log');
    const lines = [
      {op: 'schema', table: 't', families: [{name: 'cf', versions: 3}]},
      {op: 'put', table: 't', cells: [[b64('r'), b64('cf:q'), 7, b64('old')]]},
    ];
    fs.writeFileSync(path.join(dataDir, LOG_FILE), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const {emu, client} = await emulator(dataDir);
    expect(await put(emu.url, 't', JSON.stringify({Row: [{key: b64('r'), Cell: [{column: b64('cf:q'), timestamp: 8, $: b64('new')}]}]}))).toMatchObject({status: 200});
    expect(await dump(client, 't')).toEqual([`${Buffer.from('r').toString('hex')} cf:q 8 ${Buffer.from('new').toString('hex')}`, `${Buffer.from('r').toString('hex')} cf:q 7 ${Buffer.from('old').toString('hex')}`]);
  });

  it('answers a malformed put with 400 and why, refuses a family the table lacks, and stores nothing of either', async () => {
    const {emu, client} = await emulator();
    await client.createTable('t', ['cf']);
    const good = plain();
    for (const body of [good.slice(0, good.length - 3), good.slice(0, 40), `${good}}`]) {
      const r = await put(emu.url, 't', body);
      expect(r.status).toBe(400);
      expect(r.text).toMatch(/malformed JSON/);
    }
    const noFamily = JSON.stringify({Row: [{key: b64('r'), Cell: [{column: b64('nope:q'), timestamp: 1, $: b64('v')}, {column: b64('cf:q'), timestamp: 1, $: b64('v')}]}]});
    expect((await put(emu.url, 't', noFamily)).status).toBe(404);
    const noQualifier = JSON.stringify({Row: [{key: b64('r'), Cell: [{column: b64('cf'), timestamp: 1, $: b64('v')}]}]});
    expect(await put(emu.url, 't', noQualifier)).toMatchObject({status: 400, text: expect.stringMatching(/not family:qualifier/)});
    expect(await dump(client, 't')).toEqual([]);
    expect(await put(emu.url, 't', good)).toMatchObject({status: 200});
  });
});
