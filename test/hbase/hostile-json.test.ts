/**
 * Type-confused JSON sent to the HBase REST and Schema Registry emulators is a 400/422 with a
 * reason, never a 500 with a Node stack; subjects named like Object.prototype's properties are
 * subjects like any other.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {startRegistryEmulator, type RegistryEmulator} from '../../src/registry/emulator/index.js';

let hbase: HBaseEmulator;
let registry: RegistryEmulator;
beforeAll(async () => {
  hbase = await startHBaseEmulator({port: 0});
  registry = await startRegistryEmulator({port: 0});
  const res = await fetch(`${hbase.url}/t/schema`, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({name: 't', ColumnSchema: [{name: 'cf'}]})});
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await hbase?.stop();
  await registry?.stop();
});

async function send(url: string, method: string, body: string, type = 'application/json'): Promise<{status: number; text: string}> {
  const res = await fetch(url, {method, headers: {'Content-Type': type, Accept: 'application/json'}, body});
  return {status: res.status, text: await res.text()};
}

const noStack = (text: string) => expect(text).not.toMatch(/\bat .+:\d+:\d+|node:internal|\/src\/|\/dist\//);

describe('HBase REST emulator', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const cases: Array<[string, string, string, RegExp]> = [
    ['a null row', '/t/r1', '{"Row":[null]}', /Row\[0\] is not an object/],
    ['a numeric key', '/t/r1', '{"Row":[{"key":5,"Cell":[]}]}', /Row\[0\]\.key is not a base64 string/],
    ['a null cell', '/t/r1', '{"Row":[{"key":"cjE=","Cell":[null]}]}', /Row\[0\]\.Cell\[0\] is not an object/],
    ['a numeric value', '/t/r1', `{"Row":[{"key":"cjE=","Cell":[{"column":"${b64('cf:a')}","$":7}]}]}`, /Cell\[0\]\.\$ is not a base64 string/],
    ['a string timestamp', '/t/r1', `{"Row":[{"key":"cjE=","Cell":[{"column":"${b64('cf:a')}","timestamp":"x","$":""}]}]}`, /timestamp is not a number/],
    ['a CellSet that is an array', '/t/r1', '[1,2]', /not a CellSet/],
    ['a scanner model with a numeric startRow', '/t/scanner', '{"startRow":5}', /startRow is not a base64 string/],
    ['a scanner model with columns that are not strings', '/t/scanner', '{"column":[null]}', /column is not an array of base64 strings/],
    ['a scanner model that is a string', '/t/scanner', '"scan"', /not a Scanner model/],
    ['a schema with a null family', '/u/schema', '{"ColumnSchema":[null]}', /ColumnSchema\[0\] is not an object/],
  ];
  for (const [what, path, body, reason] of cases) {
    it(`answers ${what} with 400 and why`, async () => {
      const r = await send(`${hbase.url}${path}`, 'PUT', body);
      expect(r.status, r.text).toBe(400);
      expect(r.text).toMatch(reason);
      noStack(r.text);
    });
  }

  it('still serves well-formed requests afterwards', async () => {
    const r = await send(`${hbase.url}/t/r1`, 'PUT', JSON.stringify({Row: [{key: b64('r1'), Cell: [{column: b64('cf:a'), $: b64('v')}]}]}));
    expect(r.status).toBe(200);
  });
});

describe('Schema Registry emulator', () => {
  const TYPE = 'application/vnd.schemaregistry.v1+json';
  const schema = JSON.stringify({type: 'record', name: 'R', fields: [{name: 'a', type: 'string'}]});

  for (const subject of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    it(`a subject named ${subject} registers, lists and serves like any other`, async () => {
      const reg = await send(`${registry.url}/subjects/${subject}/versions`, 'POST', JSON.stringify({schema}), TYPE);
      expect(reg.status, reg.text).toBe(200);
      expect(JSON.parse(reg.text)).toEqual({id: expect.any(Number)});
      const latest = await fetch(`${registry.url}/subjects/${subject}/versions/latest`);
      expect(latest.status).toBe(200);
      expect(((await latest.json()) as {subject: string}).subject).toBe(subject);
      const config = await send(`${registry.url}/config/${subject}`, 'PUT', JSON.stringify({compatibility: 'NONE'}), TYPE);
      expect(config.status, config.text).toBe(200);
      expect(await (await fetch(`${registry.url}/subjects`)).json()).toContain(subject);
    });
  }

  it('an unknown subject named like a prototype property is 404 Subject not found, not a 500', async () => {
    const r = await fetch(`${registry.url}/subjects/valueOf/versions`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as {error_code: number}).error_code).toBe(40401);
  });

  it('a schema that is not a string is 422 with a reason', async () => {
    const r = await send(`${registry.url}/subjects/typed/versions`, 'POST', '{"schema":5}', TYPE);
    expect(r.status).toBe(422);
    expect(JSON.parse(r.text).message).toMatch(/"schema"/);
    noStack(r.text);
  });
});
