/**
 * The HBase sink against the emulator: a batch large enough to be written as several PUTs side by
 * side lands whole, a row put twice in one batch keeps the later value, a refused row is singled
 * out, and a gateway that does not answer fails the whole write; one that does not answer yet at
 * start is checked (and the table created) by the first write or probe instead.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {HBaseRestClient, type HBaseRow} from '../../src/hbase/rest-client.js';
import {makeEvent, type Event} from '../../src/pipeline/event.js';
import {UserError} from '../../src/lib/errors.js';
import {SinkDataError, SinkUnavailableError} from '../../src/pipeline/sink.js';
import {HBaseSink, MAX_REQUEST_BYTES} from '../../src/sinks/hbase-sink.js';

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const TIME = 1_451_606_400_000;
const COLUMNS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/** Body "key,value": eight cells of `value`; the column "bad" (no family) for key "refused". */
function toRow(event: Event): HBaseRow {
  const [key, value] = event.body.toString().split(',');
  const columns = key === 'refused' ? ['bad'] : COLUMNS.map((c) => `cf1:${c}`);
  return {key: Buffer.from(key), cells: columns.map((column) => ({column, value: Buffer.from(value), timestamp: TIME}))};
}

async function sinkOnEmulator(): Promise<{sink: HBaseSink; client: HBaseRestClient; emu: HBaseEmulator}> {
  const emu = await startHBaseEmulator();
  const client = new HBaseRestClient(emu.url);
  stops.push(() => emu.stop(), () => client.close());
  const sink = new HBaseSink({client, url: emu.url, table: 'T', family: 'cf1', toRow, createTable: true});
  await sink.start();
  return {sink, client, emu};
}

async function scanAll(client: HBaseRestClient): Promise<Map<string, string[]>> {
  const rows = new Map<string, string[]>();
  for await (const row of client.scan('T')) rows.set(row.key.toString(), row.cells.map((c) => `${c.column}=${c.value}`));
  return rows;
}

describe('HBase sink', () => {
  it('writes a batch of many PUTs whole; a row put twice keeps the later value; a refused row is named alone', async () => {
    const {sink, client} = await sinkOnEmulator();
    const value = 'v'.repeat(200);
    const events = Array.from({length: 6000}, (_, i) => makeEvent(`row${String(i).padStart(5, '0')},${value}${i}`));
    // Far more than one request's worth, so the batch goes as several PUTs in several lanes.
    expect(6000 * 8 * 200).toBeGreaterThan(4 * MAX_REQUEST_BYTES);
    events[4000] = makeEvent(`row00010,later`);
    events[2500] = makeEvent('refused,x');
    const err = await sink.write(events).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkDataError);
    expect((err as SinkDataError).rejected.map((r) => r.index)).toEqual([2500]);
    const rows = await scanAll(client);
    expect(rows.size).toBe(5998);
    expect(rows.get('row00010')).toEqual(COLUMNS.map((c) => `cf1:${c}=later`));
    expect(rows.get('row05999')).toEqual(COLUMNS.map((c) => `cf1:${c}=${value}5999`));
    for (let i = 0; i < 6000; i++) {
      if (i === 2500 || i === 4000) continue;
      expect(rows.get(`row${String(i).padStart(5, '0')}`)?.[0]).toBe(i === 10 ? 'cf1:a=later' : `cf1:a=${value}${i}`);
    }
  });

  it('fails the whole write as unavailable when the gateway answers 503, and writes it all once it is back', async () => {
    const {sink, client, emu} = await sinkOnEmulator();
    const events = Array.from({length: 3000}, (_, i) => makeEvent(`row${i},${'x'.repeat(300)}`));
    emu.setDown(true);
    await expect(sink.write(events)).rejects.toBeInstanceOf(SinkUnavailableError);
    emu.setDown(false);
    await sink.write(events);
    expect((await scanAll(client)).size).toBe(3000);
  });

  it('down at start: start() resolves, writes fail as unavailable, and once it is back the table is created and everything written', async () => {
    const emu = await startHBaseEmulator();
    const client = new HBaseRestClient(emu.url);
    stops.push(() => emu.stop(), () => client.close());
    emu.setDown(true);
    const sink = new HBaseSink({client, url: emu.url, table: 'T', family: 'cf1', toRow, createTable: true});
    await sink.start();
    const events = Array.from({length: 100}, (_, i) => makeEvent(`row${i},x`));
    await expect(sink.write(events)).rejects.toBeInstanceOf(SinkUnavailableError);
    await expect(sink.probe()).rejects.toBeInstanceOf(SinkUnavailableError);
    emu.setDown(false);
    await sink.probe();
    expect(await client.tableExists('T')).toBe(true);
    await sink.write(events);
    expect((await scanAll(client)).size).toBe(100);
  });

  it('a missing table without createTable fails at once when the gateway answers, and at the first probe once it is back when it did not', async () => {
    const emu = await startHBaseEmulator();
    const client = new HBaseRestClient(emu.url);
    stops.push(() => emu.stop(), () => client.close());
    const options = {client, url: emu.url, table: 'Missing', family: 'cf1', toRow, createTable: false};
    await expect(new HBaseSink(options).start()).rejects.toThrow(UserError);
    emu.setDown(true);
    const sink = new HBaseSink(options);
    await sink.start();
    await expect(sink.probe()).rejects.toBeInstanceOf(SinkUnavailableError);
    emu.setDown(false);
    const err = await sink.probe().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err).not.toBeInstanceOf(SinkUnavailableError);
    expect((err as Error).message).toMatch(/"Missing" does not exist/);
  });

  it('a table without the column family: named at start (not a 404 at the first write); createTable adds the family and keeps the others', async () => {
    const emu = await startHBaseEmulator();
    const client = new HBaseRestClient(emu.url);
    stops.push(() => emu.stop(), () => client.close());
    await client.createTable('T', ['other']);
    const options = {client, url: emu.url, table: 'T', family: 'cf1', toRow, createTable: false};
    const err = await new HBaseSink(options).start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/"T" has no column family "cf1" \(it has other/);

    const sink = new HBaseSink({...options, createTable: true});
    await sink.start();
    expect((await client.tableSchema('T'))?.map((f) => f.name).sort()).toEqual(['cf1', 'other']);
    await sink.write([makeEvent('row1,x')]);
    expect((await scanAll(client)).get('row1')).toEqual(COLUMNS.map((c) => `cf1:${c}=x`));
    // Dropped while the drain runs: --create-table was given, so the hint does not ask for it.
    await client.deleteTable('T');
    const dropped = await sink.write([makeEvent('row2,x')]).catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(UserError);
    expect((dropped as UserError).hint).toMatch(/went away while the drain ran/);
  });
});
