/** The Schema Registry emulator's REST API: Confluent's paths, shapes, error codes, persistence. */
import {afterEach, describe, expect, it} from 'vitest';
import {startRegistryEmulator, type RegistryEmulator} from '../../src/registry/emulator/index.js';
import {tempDir} from '../helpers/broker.js';

const TYPE = 'application/vnd.schemaregistry.v1+json';
const started: RegistryEmulator[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.stop()));
});

async function start(dataDir?: string): Promise<RegistryEmulator> {
  const emulator = await startRegistryEmulator({port: 0, dataDir});
  started.push(emulator);
  return emulator;
}

interface Answer {
  status: number;
  type: string | null;
  body: any;
}

async function call(emulator: RegistryEmulator, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${emulator.url}${path}`, {method, headers: body === undefined ? {} : {'Content-Type': TYPE}, body: body === undefined ? undefined : JSON.stringify(body)});
  return {status: res.status, type: res.headers.get('content-type'), body: await res.json()};
}

const record = (name: string, fields: Array<{name: string; type: string; default?: unknown}>) => JSON.stringify({type: 'record', name, namespace: 'test', fields});
const V1 = record('Car', [{name: 'car_number', type: 'string'}, {name: 'speed', type: 'int'}]);
const V2 = record('Car', [{name: 'car_number', type: 'string'}, {name: 'speed', type: 'int'}, {name: 'area', type: 'string', default: ''}]);

describe('Schema Registry emulator API', () => {
  it('registers a schema, gives the same id for the same schema, and serves it by subject, version and id', async () => {
    const r = await start();
    const first = await call(r, 'POST', '/subjects/cars-value/versions', {schema: V1});
    expect(first).toEqual({status: 200, type: TYPE, body: {id: 1}});
    // Whitespace does not make another schema.
    expect((await call(r, 'POST', '/subjects/cars-value/versions', {schema: JSON.stringify(JSON.parse(V1), null, 2)})).body).toEqual({id: 1});
    expect((await call(r, 'POST', '/subjects/cars-value/versions', {schema: V2})).body).toEqual({id: 2});
    // Ids are global: the same schema under another subject keeps its id.
    expect((await call(r, 'POST', '/subjects/other-value/versions', {schema: V1})).body).toEqual({id: 1});

    expect((await call(r, 'GET', '/subjects')).body).toEqual(['cars-value', 'other-value']);
    expect((await call(r, 'GET', '/subjects/cars-value/versions')).body).toEqual([1, 2]);
    expect((await call(r, 'GET', '/subjects/cars-value/versions/1')).body).toEqual({subject: 'cars-value', version: 1, id: 1, schema: V1});
    expect((await call(r, 'GET', '/subjects/cars-value/versions/latest')).body).toEqual({subject: 'cars-value', version: 2, id: 2, schema: V2});
    expect((await call(r, 'GET', '/subjects/cars-value/versions/-1')).body.version).toBe(2);
    expect((await call(r, 'GET', '/subjects/cars-value/versions/1/schema')).body).toEqual(JSON.parse(V1));
    expect((await call(r, 'GET', '/schemas/ids/2')).body).toEqual({schema: V2});
    expect((await call(r, 'GET', '/schemas/ids/1/versions')).body).toEqual([
      {subject: 'cars-value', version: 1},
      {subject: 'other-value', version: 1},
    ]);
    expect((await call(r, 'POST', '/subjects/cars-value', {schema: V2})).body).toEqual({subject: 'cars-value', version: 2, id: 2, schema: V2});
  });

  it('answers with the registry error codes', async () => {
    const r = await start();
    await call(r, 'POST', '/subjects/cars-value/versions', {schema: V1});
    const cases: Array<[string, string, unknown, number, number, RegExp]> = [
      ['GET', '/subjects/nope/versions', undefined, 404, 40401, /^Subject 'nope' not found\.$/],
      ['GET', '/subjects/nope/versions/1', undefined, 404, 40401, /Subject 'nope' not found/],
      ['GET', '/subjects/cars-value/versions/7', undefined, 404, 40402, /^Version 7 not found\.$/],
      ['GET', '/subjects/cars-value/versions/0', undefined, 422, 42202, /not a valid version id/],
      ['GET', '/subjects/cars-value/versions/abc', undefined, 422, 42202, /not a valid version id/],
      ['GET', '/schemas/ids/99', undefined, 404, 40403, /^Schema 99 not found$/],
      ['POST', '/subjects/cars-value', {schema: V2}, 404, 40403, /^Schema not found$/],
      ['POST', '/subjects/nope', {schema: V1}, 404, 40401, /Subject 'nope' not found/],
      ['POST', '/subjects/cars-value/versions', {schema: '{"type":"record","name":"X","fields":[{"name":"a","type":"strin"}]}'}, 422, 42201, /^Invalid schema: .*strin/],
      ['POST', '/subjects/cars-value/versions', {schema: 'not json'}, 422, 42201, /^Invalid schema: not JSON/],
      ['POST', '/subjects/cars-value/versions', {}, 422, 42201, /^Invalid schema/],
      ['POST', '/subjects/cars-value/versions', {schema: V1, schemaType: 'PROTOBUF'}, 422, 42201, /AVRO schemas only/],
      ['PUT', '/config', {compatibility: 'SOMETIMES'}, 422, 42203, /^Invalid compatibility level/],
      ['GET', '/config/cars-value', undefined, 404, 40408, /does not have subject-level compatibility configured/],
      ['GET', '/nothing/here', undefined, 404, 404, /^HTTP 404 Not Found$/],
      ['DELETE', '/subjects', undefined, 405, 405, /^HTTP 405 Method Not Allowed$/],
    ];
    for (const [method, path, body, status, code, message] of cases) {
      const a = await call(r, method, path, body);
      expect({method, path, status: a.status, type: a.type, code: a.body.error_code}).toEqual({method, path, status, type: TYPE, code});
      expect(a.body.message).toMatch(message);
    }
  });

  it('refuses a body that is not registry JSON', async () => {
    const r = await start();
    const form = await fetch(`${r.url}/subjects/s/versions`, {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'schema=x'});
    expect(form.status).toBe(415);
    expect(((await form.json()) as {error_code: number}).error_code).toBe(415);
    const garbled = await fetch(`${r.url}/subjects/s/versions`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{"schema":'});
    expect(garbled.status).toBe(400);
  });

  it('keeps global and subject compatibility levels', async () => {
    const r = await start();
    expect((await call(r, 'GET', '/config')).body).toEqual({compatibilityLevel: 'BACKWARD'});
    expect((await call(r, 'PUT', '/config', {compatibility: 'FULL'})).body).toEqual({compatibility: 'FULL'});
    expect((await call(r, 'GET', '/config/cars-value?defaultToGlobal=true')).body).toEqual({compatibilityLevel: 'FULL'});
    expect((await call(r, 'PUT', '/config/cars-value', {compatibility: 'forward'})).body).toEqual({compatibility: 'FORWARD'});
    expect((await call(r, 'GET', '/config/cars-value')).body).toEqual({compatibilityLevel: 'FORWARD'});
    expect((await call(r, 'GET', '/config')).body).toEqual({compatibilityLevel: 'FULL'});
    expect((await call(r, 'DELETE', '/config/cars-value')).body).toEqual({compatibilityLevel: 'FORWARD'});
    expect((await call(r, 'GET', '/config/cars-value')).status).toBe(404);
  });

  it('soft-deletes a subject, then deletes it permanently; ids stay resolvable', async () => {
    const r = await start();
    await call(r, 'POST', '/subjects/cars-value/versions', {schema: V1});
    await call(r, 'POST', '/subjects/cars-value/versions', {schema: V2});
    const early = await call(r, 'DELETE', '/subjects/cars-value?permanent=true');
    expect([early.status, early.body.error_code]).toEqual([404, 40405]);
    expect((await call(r, 'DELETE', '/subjects/cars-value')).body).toEqual([1, 2]);
    expect((await call(r, 'GET', '/subjects')).body).toEqual([]);
    expect((await call(r, 'GET', '/subjects?deleted=true')).body).toEqual(['cars-value']);
    expect((await call(r, 'GET', '/subjects/cars-value/versions')).body.error_code).toBe(40401);
    expect((await call(r, 'DELETE', '/subjects/cars-value')).body.error_code).toBe(40404);
    expect((await call(r, 'GET', '/schemas/ids/1')).body).toEqual({schema: V1});
    // Registering again after a soft delete: numbers go on, the id stays the schema's.
    expect((await call(r, 'POST', '/subjects/cars-value/versions', {schema: V2})).body).toEqual({id: 2});
    expect((await call(r, 'GET', '/subjects/cars-value/versions')).body).toEqual([3]);
    await call(r, 'DELETE', '/subjects/cars-value');
    expect((await call(r, 'DELETE', '/subjects/cars-value?permanent=true')).body).toEqual([1, 2, 3]);
    expect((await call(r, 'GET', '/subjects?deleted=true')).body).toEqual([]);
  });

  it('keeps subjects, ids and levels across a restart on the same data dir', async () => {
    const dir = tempDir('registry');
    const before = await start(dir);
    await call(before, 'POST', '/subjects/cars-value/versions', {schema: V1});
    await call(before, 'POST', '/subjects/cars-value/versions', {schema: V2});
    await call(before, 'PUT', '/config/cars-value', {compatibility: 'NONE'});
    await before.stop();

    const after = await start(dir);
    expect((await call(after, 'GET', '/subjects/cars-value/versions')).body).toEqual([1, 2]);
    expect((await call(after, 'GET', '/schemas/ids/2')).body).toEqual({schema: V2});
    expect((await call(after, 'GET', '/config/cars-value')).body).toEqual({compatibilityLevel: 'NONE'});
    // The next schema gets the next id, not one already given out.
    expect((await call(after, 'POST', '/subjects/b-value/versions', {schema: record('B', [{name: 'x', type: 'long'}])})).body).toEqual({id: 3});
    expect((await call(after, 'POST', '/subjects/c-value/versions', {schema: V1})).body).toEqual({id: 1});
  });
});
