/**
 * Compatibility levels with real checks, through the emulator's REST API and through
 * @kafkajs/confluent-schema-registry (a real registry client: the proof the emulator is one).
 */
import csr from '@kafkajs/confluent-schema-registry';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startRegistryEmulator, type RegistryEmulator} from '../../src/registry/emulator/index.js';

type Level = 'NONE' | 'BACKWARD' | 'FORWARD' | 'FULL' | 'BACKWARD_TRANSITIVE' | 'FORWARD_TRANSITIVE' | 'FULL_TRANSITIVE';
type Field = {name: string; type: string; default?: unknown};

const car = (...fields: Field[]) => JSON.stringify({type: 'record', name: 'Car', namespace: 'test', fields});
const NUMBER: Field = {name: 'car_number', type: 'string'};
const SPEED: Field = {name: 'speed', type: 'int'};
const BASE = car(NUMBER, SPEED);

/** A change to BASE and whether each level allows it; `reason` is what the refusal must say. */
const CHANGES: Array<{change: string; schema: string; allowed: Level[]; reason: RegExp}> = [
  {change: 'add a field without a default', schema: car(NUMBER, SPEED, {name: 'area', type: 'string'}), allowed: ['NONE', 'FORWARD'], reason: /test\.Car\.area has no default/},
  {change: 'add a field with a default', schema: car(NUMBER, SPEED, {name: 'area', type: 'string', default: 'A01'}), allowed: ['NONE', 'BACKWARD', 'FORWARD', 'FULL'], reason: /./},
  {change: 'remove a field without a default', schema: car(NUMBER), allowed: ['NONE', 'BACKWARD'], reason: /test\.Car\.speed has no default/},
  {change: 'widen int to long', schema: car(NUMBER, {name: 'speed', type: 'long'}), allowed: ['NONE', 'BACKWARD'], reason: /data written as long cannot be read as int/},
  {change: 'change int to string', schema: car(NUMBER, {name: 'speed', type: 'string'}), allowed: ['NONE'], reason: /data written as (int|string) cannot be read as (string|int)/},
];
const LEVELS: Level[] = ['NONE', 'BACKWARD', 'FORWARD', 'FULL'];

let registry: RegistryEmulator;
let subjectNo = 0;

beforeAll(async () => {
  registry = await startRegistryEmulator({port: 0});
});

afterAll(async () => {
  await registry?.stop();
});

async function call(method: string, path: string, body?: unknown): Promise<{status: number; body: any}> {
  const res = await fetch(`${registry.url}${path}`, {method, headers: {'Content-Type': 'application/vnd.schemaregistry.v1+json'}, body: body === undefined ? undefined : JSON.stringify(body)});
  return {status: res.status, body: await res.json()};
}

/** A fresh subject at `level` holding `versions`, through the REST API. */
async function subjectWith(level: Level, ...versions: string[]): Promise<string> {
  const subject = `s${++subjectNo}-value`;
  expect((await call('PUT', `/config/${subject}`, {compatibility: level})).status).toBe(200);
  for (const schema of versions) expect((await call('POST', `/subjects/${subject}/versions`, {schema})).status).toBe(200);
  return subject;
}

describe('compatibility levels (REST API)', () => {
  for (const level of LEVELS) {
    for (const {change, schema, allowed, reason} of CHANGES) {
      const ok = allowed.includes(level);
      it(`${level}: ${change} is ${ok ? 'allowed' : 'refused'}`, async () => {
        const subject = await subjectWith(level, BASE);
        const check = await call('POST', `/compatibility/subjects/${subject}/versions/latest?verbose=true`, {schema});
        expect(check.status).toBe(200);
        expect(check.body.is_compatible).toBe(ok);
        if (ok) expect(check.body.messages).toEqual([]);
        else expect(check.body.messages.join('\n')).toMatch(reason);
        const registered = await call('POST', `/subjects/${subject}/versions`, {schema});
        if (ok) {
          expect(registered).toEqual({status: 200, body: {id: expect.any(Number)}});
          expect((await call('GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
        } else {
          expect(registered.status).toBe(409);
          expect(registered.body.error_code).toBe(409);
          expect(registered.body.message).toContain(`incompatible with an earlier schema for subject "${subject}"`);
          expect(registered.body.message).toContain(`(${level})`);
          expect(registered.body.message).toMatch(reason);
          expect((await call('GET', `/subjects/${subject}/versions`)).body).toEqual([1]);
        }
      });
    }
  }

  it('a transitive level checks every version, the plain one only the latest', async () => {
    const v1 = car(NUMBER);
    const v2 = car(NUMBER, {name: 'area', type: 'string', default: 'A01'});
    const v3 = car(NUMBER, {name: 'area', type: 'string'});
    // v3 reads v2's data (it has area) but not v1's (no area, and v3 has no default).
    const plain = await subjectWith('BACKWARD', v1, v2);
    expect((await call('POST', `/subjects/${plain}/versions`, {schema: v3})).status).toBe(200);
    const transitive = await subjectWith('BACKWARD_TRANSITIVE', v1, v2);
    const refused = await call('POST', `/subjects/${transitive}/versions`, {schema: v3});
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/written with version 1 \(BACKWARD_TRANSITIVE\)/);
    // Against one given version, only that version counts.
    expect((await call('POST', `/compatibility/subjects/${transitive}/versions/2`, {schema: v3})).body).toEqual({is_compatible: true});
    expect((await call('POST', `/compatibility/subjects/${transitive}/versions/1`, {schema: v3})).body).toEqual({is_compatible: false});
    expect((await call('POST', `/compatibility/subjects/${transitive}/versions`, {schema: v3})).body).toEqual({is_compatible: false});
  });

  it('a record renamed without an alias is refused, the global level applies to subjects without their own', async () => {
    expect((await call('PUT', '/config', {compatibility: 'FORWARD'})).status).toBe(200);
    try {
      const subject = `s${++subjectNo}-value`;
      await call('POST', `/subjects/${subject}/versions`, {schema: BASE});
      const renamed = BASE.replace('"Car"', '"Truck"');
      const refused = await call('POST', `/subjects/${subject}/versions`, {schema: renamed});
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/\(FORWARD\).*another name/);
      // Adding a field without default is FORWARD-compatible (it would not be under the default BACKWARD).
      expect((await call('POST', `/subjects/${subject}/versions`, {schema: car(NUMBER, SPEED, {name: 'area', type: 'string'})})).status).toBe(200);
    } finally {
      await call('PUT', '/config', {compatibility: 'BACKWARD'});
    }
  });

  it('checking against the latest version of an empty subject is compatible; a missing version is 40402', async () => {
    expect((await call('POST', '/compatibility/subjects/fresh-value/versions/latest', {schema: BASE})).body).toEqual({is_compatible: true});
    const subject = await subjectWith('BACKWARD', BASE);
    const missing = await call('POST', `/compatibility/subjects/${subject}/versions/5`, {schema: BASE});
    expect([missing.status, missing.body.error_code]).toEqual([404, 40402]);
  });
});

describe('compatibility levels through @kafkajs/confluent-schema-registry', () => {
  const {SchemaRegistry, SchemaType, COMPATIBILITY} = csr;
  for (const level of LEVELS) {
    for (const {change, schema, allowed, reason} of CHANGES) {
      const ok = allowed.includes(level);
      it(`${level}: ${change} is ${ok ? 'allowed' : 'refused'}`, async () => {
        const client = new SchemaRegistry({host: registry.url});
        const subject = `lib${++subjectNo}-value`;
        const options = {subject, compatibility: COMPATIBILITY[level]};
        const first = await client.register({type: SchemaType.AVRO, schema: BASE}, options);
        const next = client.register({type: SchemaType.AVRO, schema}, options);
        if (ok) {
          const {id} = await next;
          expect(id).not.toBe(first.id);
          expect(await client.getLatestSchemaId(subject)).toBe(id);
          expect(await client.getRegistryId(subject, 1)).toBe(first.id);
        } else {
          await expect(next).rejects.toMatchObject({status: 409, message: expect.stringMatching(reason)});
          expect(await client.getLatestSchemaId(subject)).toBe(first.id);
        }
      });
    }
  }

  it('the client finds a registered schema by subject and schema, and encodes and decodes through the emulator', async () => {
    const client = new SchemaRegistry({host: registry.url});
    const subject = `lib${++subjectNo}-value`;
    const {id} = await client.register({type: SchemaType.AVRO, schema: BASE}, {subject});
    expect(await client.getRegistryIdBySchema(subject, {type: SchemaType.AVRO, schema: BASE})).toBe(id);
    // A fresh client (empty cache) fetches the writer schema by id.
    const bytes = await client.encode(id, {car_number: 'B0002', speed: 45});
    expect(await new SchemaRegistry({host: registry.url}).decode(bytes)).toEqual({car_number: 'B0002', speed: 45});
  });
});
