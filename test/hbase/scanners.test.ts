/**
 * HBase REST emulator scanners are bounded: many scanners over a big table cost next to no
 * memory (a scanner holds its position, not a copy of its range), there is a cap on open ones
 * (503, as a gateway out of resources answers), and idle ones expire (404 afterwards).
 */
import fs from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {tempDir} from '../helpers/broker.js';
import {spawnServe, type ServeProcess} from './serve-process.js';

const MiB = 1024 * 1024;
const JSON_HEADERS = {'Content-Type': 'application/json', Accept: 'application/json'};
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function createTable(url: string): Promise<void> {
  const res = await fetch(`${url}/t/schema`, {method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({name: 't', ColumnSchema: [{name: 'cf'}]})});
  expect(res.status).toBe(201);
}

async function putRows(url: string, keys: string[]): Promise<void> {
  const body = {Row: keys.map((k) => ({key: b64(k), Cell: [{column: b64('cf:v'), $: b64(`value of ${k} `.repeat(4))}]}))};
  const res = await fetch(`${url}/t/fakerow`, {method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify(body)});
  expect(res.status).toBe(200);
}

/** A new scanner's path (from its Location), or the status when refused. */
async function openScanner(url: string, model: object = {batch: 1}): Promise<{status: number; path?: string; text: string}> {
  const res = await fetch(`${url}/t/scanner`, {method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify(model)});
  const location = res.headers.get('location');
  return {status: res.status, path: location ? new URL(location).pathname : undefined, text: await res.text()};
}

async function readScanner(url: string, path: string): Promise<{status: number; keys: string[]}> {
  const res = await fetch(`${url}${path}`, {headers: {Accept: 'application/json'}});
  if (res.status !== 200) return {status: res.status, keys: []};
  const json = (await res.json()) as {Row: Array<{key: string}>};
  return {status: 200, keys: json.Row.map((r) => Buffer.from(r.key, 'base64').toString())};
}

const rss = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

describe('HBase REST emulator scanners', () => {
  let serve: ServeProcess | undefined;
  let emulator: HBaseEmulator | undefined;
  afterEach(async () => {
    serve?.proc.kill('SIGKILL');
    await serve?.exited;
    await emulator?.stop();
    serve = undefined;
    emulator = undefined;
  });

  it('800 scanners over 50,000 rows keep the emulator small, and each reads the rows in order', async () => {
    serve = await spawnServe(tempDir('scan-mem'));
    const url = serve.url;
    await createTable(url);
    const keys = Array.from({length: 50_000}, (_, i) => `row-${String(i).padStart(6, '0')}`);
    // Written out of order: the scan still returns key order.
    const shuffled = [...keys].reverse();
    for (let i = 0; i < shuffled.length; i += 10_000) await putRows(url, shuffled.slice(i, i + 10_000));
    const before = rss(serve.proc.pid!);

    const scanners: string[] = [];
    for (let i = 0; i < 800; i++) {
      const s = await openScanner(url, {batch: 2});
      expect(s.status, s.text).toBe(201);
      scanners.push(s.path!);
    }
    for (const path of scanners.slice(0, 50)) expect((await readScanner(url, path)).keys).toEqual(keys.slice(0, 2));
    // Copies of the key range per scanner took gigabytes here (a fatal OOM at 801).
    expect(rss(serve.proc.pid!) - before).toBeLessThan(200 * MiB);
    expect(serve.proc.exitCode).toBeNull();

    // One scanner read to its end sees every row once, in order.
    const all: string[] = [];
    const {path} = await openScanner(url, {batch: 10_000});
    if (!path) throw new Error('no scanner');
    for (let r = await readScanner(url, path); r.status === 200; r = await readScanner(url, path)) all.push(...r.keys);
    expect(all).toEqual(keys);
  }, 300_000);

  it('refuses scanners beyond the cap with 503 until one is deleted', async () => {
    emulator = await startHBaseEmulator({port: 0, maxScanners: 3});
    await createTable(emulator.url);
    await putRows(emulator.url, ['a', 'b']);
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await openScanner(emulator.url));
    expect(open.map((s) => s.status)).toEqual([201, 201, 201]);
    const refused = await openScanner(emulator.url);
    expect(refused.status).toBe(503);
    expect(refused.text).toMatch(/too many open scanners \(3\)/);
    expect((await fetch(`${emulator.url}${open[0].path}`, {method: 'DELETE'})).status).toBe(200);
    expect((await openScanner(emulator.url)).status).toBe(201);
  });

  it('drops a scanner left idle, which then reads as 404', async () => {
    emulator = await startHBaseEmulator({port: 0, scannerIdleMs: 100});
    await createTable(emulator.url);
    await putRows(emulator.url, ['a', 'b']);
    const s = await openScanner(emulator.url);
    await new Promise((r) => setTimeout(r, 500));
    expect((await readScanner(emulator.url, s.path!)).status).toBe(404);
  });

  it('sees rows added after it was opened, past its position', async () => {
    emulator = await startHBaseEmulator({port: 0});
    await createTable(emulator.url);
    await putRows(emulator.url, ['b', 'd']);
    const s = await openScanner(emulator.url, {batch: 1});
    expect((await readScanner(emulator.url, s.path!)).keys).toEqual(['b']);
    await putRows(emulator.url, ['a', 'c', 'e']);
    const rest: string[] = [];
    for (let r = await readScanner(emulator.url, s.path!); r.status === 200; r = await readScanner(emulator.url, s.path!)) rest.push(...r.keys);
    expect(rest).toEqual(['c', 'd', 'e']);
  });
});
