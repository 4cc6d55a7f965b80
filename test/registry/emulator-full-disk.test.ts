/**
 * The registry emulator on a full disk (through the disk seam): a change it cannot write is
 * answered 5xx and undone, so neither a read nor a retried registration serves what a restart
 * would not find; once space returns it takes changes again, and a restart keeps every 200.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {startRegistryEmulator, type RegistryEmulator} from '../../src/registry/emulator/index.js';
import {tempDir} from '../helpers/broker.js';
import {fillDisk, type FullDisk} from '../helpers/failing-disk.js';

let disk: FullDisk | undefined;
const started: RegistryEmulator[] = [];
afterEach(async () => {
  disk?.restore();
  disk = undefined;
  await Promise.all(started.splice(0).map((e) => e.stop()));
});

async function start(dataDir: string): Promise<RegistryEmulator> {
  const emulator = await startRegistryEmulator({port: 0, dataDir});
  started.push(emulator);
  return emulator;
}

async function call(emulator: RegistryEmulator, method: string, p: string, body?: unknown): Promise<{status: number; body: any}> {
  const res = await fetch(`${emulator.url}${p}`, {method, headers: body === undefined ? {} : {'Content-Type': 'application/vnd.schemaregistry.v1+json'}, body: body === undefined ? undefined : JSON.stringify(body)});
  return {status: res.status, body: await res.json()};
}

const schema = (name: string) => JSON.stringify({type: 'record', name, fields: [{name: 'id', type: 'string'}]});

describe('registry emulator on a full disk', () => {
  it('refuses and undoes a registration it cannot write, and takes it once space returns', async () => {
    const dataDir = tempDir('registry-full');
    const first = await start(dataDir);
    expect(await call(first, 'POST', '/subjects/a-value/versions', {schema: schema('A')})).toEqual({status: 200, body: {id: 1}});

    disk = fillDisk({allowBytes: 20});
    const refused = await call(first, 'POST', '/subjects/b-value/versions', {schema: schema('B')});
    expect(refused.status).toBe(500);
    // Undone: not listed, and a retry while still full is refused again rather than answered from memory.
    expect((await call(first, 'GET', '/subjects')).body).toEqual(['a-value']);
    expect((await call(first, 'POST', '/subjects/b-value/versions', {schema: schema('B')})).status).toBe(500);
    expect(fs.readdirSync(dataDir).sort()).toEqual(['lock', 'registry.json']);

    disk.free();
    expect(await call(first, 'POST', '/subjects/b-value/versions', {schema: schema('B')})).toEqual({status: 200, body: {id: 2}});
    await first.stop();

    const second = await start(dataDir);
    expect((await call(second, 'GET', '/subjects')).body).toEqual(['a-value', 'b-value']);
    expect((await call(second, 'GET', '/subjects/b-value/versions/1')).body).toMatchObject({id: 2, version: 1});
    expect(fs.statSync(path.join(dataDir, 'registry.json')).mode & 0o777).toBe(0o600);
  });
});
