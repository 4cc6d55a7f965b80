/** `--format avro`: book lines to Confluent wire-format Avro and back, against the emulator. */
import csr from '@kafkajs/confluent-schema-registry';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {avroEncoderFromFlags} from '../../src/cli/registry-flags.js';
import {createInterceptors} from '../../src/interceptors/index.js';
import {makeEvent} from '../../src/pipeline/event.js';
import {applyInterceptors} from '../../src/pipeline/interceptor.js';
import {DRIVING_SCHEMA, STATUS_SCHEMA} from '../../src/registry/smartcar-schemas.js';
import {AvroDecodeError, AvroDecoder, AvroLineEncoder} from '../../src/registry/avro-encoder.js';
import {startRegistryEmulator, type RegistryEmulator} from '../../src/registry/emulator/index.js';
import {RegistryUnavailableError} from '../../src/registry/rest-client.js';
import {UserError} from '../../src/lib/errors.js';
import {compileRowMapping, BOOK_COLUMNS, BOOK_ROW_KEY} from '../../src/sinks/hbase-rows.js';
import {createDrivingFleet, drivingLines} from '../../src/simulate/driving.js';
import {createStatusFleet, statusLines} from '../../src/simulate/status.js';

let registry: RegistryEmulator;

beforeAll(async () => {
  registry = await startRegistryEmulator({port: 0});
});

afterAll(async () => {
  await registry?.stop();
});

/** The first and the last 20 simulated minutes of a few cars (the last record has hour 24). */
function bookLines(kind: 'driving' | 'status'): string[] {
  const lines: string[] = [];
  for (const window of [{toSecond: 1200}, {fromSecond: 85_200}]) {
    if (kind === 'driving') for (const car of createDrivingFleet(5, 7)) lines.push(...drivingLines(car, '20160101', {...window, header: false}));
    else for (const car of createStatusFleet(5, 7)) lines.push(...statusLines(car, '20160101', {...window, header: false}));
  }
  return lines;
}

describe('AvroLineEncoder and AvroDecoder', () => {
  for (const [kind, schema, fields] of [['driving', DRIVING_SCHEMA, 8], ['status', STATUS_SCHEMA, 13]] as const) {
    it(`round-trips ${kind} lines from both ends of a simulated day through the wire format`, async () => {
      const topic = `${kind}-topic`;
      const encoder = await AvroLineEncoder.create({registryUrl: registry.url, topic, schema: schema as never});
      expect(encoder.subject).toBe(`${topic}-value`);
      const lines = bookLines(kind);
      const decoder = new AvroDecoder(registry.url);
      for (const line of lines) {
        const event = encoder.encode(makeEvent(line, {source: 'test'}));
        expect(event.rejected).toBeUndefined();
        expect(event.headers).toEqual({source: 'test'});
        // Confluent's wire format: magic byte 0, the schema id as int32 BE, then Avro.
        expect(event.body[0]).toBe(0);
        expect(event.body.readInt32BE(1)).toBe(encoder.schemaId);
        expect(event.body.length).toBeLessThan(Buffer.byteLength(line) + 5);
        const decoded = await decoder.decodeToFields(event.body);
        expect(decoded).toHaveLength(fields);
        expect(decoded.join(',')).toBe(line);
      }
      // The last record of the day keeps the book's hour 24.
      expect(lines.some((l) => l.startsWith('20160101240000'))).toBe(true);
    });
  }

  it('registers once per subject: a second encoder for the topic gets the same id', async () => {
    const a = await AvroLineEncoder.create({registryUrl: registry.url, topic: 'SmartCar-Topic', schema: DRIVING_SCHEMA as never});
    const b = await AvroLineEncoder.create({registryUrl: registry.url, topic: 'SmartCar-Topic', schema: DRIVING_SCHEMA as never});
    expect(b.schemaId).toBe(a.schemaId);
    const versions = await (await fetch(`${registry.url}/subjects/SmartCar-Topic-value/versions`)).json();
    expect(versions).toEqual([1]);
  });

  it('marks a line that does not fit the schema rejected with the reason, keeping its bytes', async () => {
    const encoder = await AvroLineEncoder.create({registryUrl: registry.url, topic: 'malformed', schema: DRIVING_SCHEMA as never});
    const cases: Array<[string, RegExp]> = [
      ['20160101000002,B0002,3,0,F,N,fast,C07', /field 7 \(speed\): "fast" is not an int/],
      ['20160101000002,B0002,3,0,F,N,45', /7 field\(s\) where DrivingRecord has 8/],
      ['20160101000002,B0002,3,0,F,N,45,C07,extra', /9 field\(s\)/],
      ['20160101000002,B0002,3,0,F,N,99999999999,C07', /field 7 \(speed\): 99999999999 is out of the int range/],
      ['Driver Status Infomation,CarNum,AccStep,BrkStep,WheelStep,DirLightStep,Speed,AreaNum', /field 3 \(speed_pedal\): "AccStep" is not an int/],
    ];
    for (const [line, reason] of cases) {
      const origin = {file: '/logs/SmartCarDriverInfo.log', inode: 42, offset: 100};
      const event = encoder.encode(makeEvent(line, {}, origin));
      expect(event.rejected).toMatch(/^not a DrivingRecord record: /);
      expect(event.rejected).toMatch(reason);
      expect(event.body.toString()).toBe(line);
      expect(event.origin).toEqual(origin);
    }
    // An event rejected upstream passes untouched.
    const already = {...makeEvent('\u0000\u0001'), rejected: 'invalid UTF-8'};
    expect(encoder.encode(already)).toBe(already);
  });

  it("refuses with the registry's reason a schema incompatible with the topic's subject", async () => {
    await AvroLineEncoder.create({registryUrl: registry.url, topic: 'cars', schema: DRIVING_SCHEMA as never});
    const err = await AvroLineEncoder.create({registryUrl: registry.url, topic: 'cars', schema: STATUS_SCHEMA as never}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/^registering the schema under cars-value: Schema being registered is incompatible with an earlier schema for subject "cars-value"/);
    expect((err as UserError).hint).toMatch(/compatible/);
  });

  it('refuses a schema a text line cannot fill, before calling the registry', async () => {
    const nested = {type: 'record', name: 'N', fields: [{name: 'inner', type: {type: 'array', items: 'int'}}]};
    await expect(AvroLineEncoder.create({registryUrl: 'http://127.0.0.1:1', topic: 't', schema: nested as never})).rejects.toThrow(/field inner of N has type array, which a text field cannot fill/);
  });

  it('interoperates with @kafkajs/confluent-schema-registry both ways', async () => {
    const encoder = await AvroLineEncoder.create({registryUrl: registry.url, topic: 'interop', schema: DRIVING_SCHEMA as never});
    const client = new csr.SchemaRegistry({host: registry.url});
    const line = '20160101000002,B0002,3,0,F,N,45,C07';
    expect(await client.decode(encoder.encodeLine(line))).toEqual({date: '20160101000002', car_number: 'B0002', speed_pedal: 3, break_pedal: 0, steer_angle: 'F', direct_light: 'N', speed: 45, area_number: 'C07'});
    const fromClient = await client.encode(encoder.schemaId, {date: '20160101000004', car_number: 'B0002', speed_pedal: 0, break_pedal: 2, steer_angle: 'L1', direct_light: 'L', speed: 25, area_number: 'C03'});
    const decoder = new AvroDecoder(registry.url);
    expect(await decoder.decodeToLine(fromClient)).toBe('20160101000004,B0002,0,2,L1,L,25,C03');
    expect(await decoder.decodeToObject(fromClient)).toMatchObject({car_number: 'B0002', speed: 25});
  });

  it('decoded fields map to the HBase row the text line maps to', async () => {
    const encoder = await AvroLineEncoder.create({registryUrl: registry.url, topic: 'hbase', schema: DRIVING_SCHEMA as never});
    const line = '20160101000002,B0002,3,0,F,N,45,C07';
    const fields = await new AvroDecoder(registry.url).decodeToFields(encoder.encodeLine(line));
    const toRow = compileRowMapping({family: 'cf1', columns: BOOK_COLUMNS, rowKey: BOOK_ROW_KEY});
    expect(toRow(makeEvent(fields.join(',')))).toEqual(toRow(makeEvent(line)));
    expect(DRIVING_SCHEMA.fields.map((f) => f.name)).toEqual(BOOK_COLUMNS);
  });

  it('says why a value cannot be decoded, and tells an unreachable registry apart', async () => {
    const decoder = new AvroDecoder(registry.url);
    const decodeError = (value: Buffer) => decoder.decodeToFields(value).then(() => undefined, (e: unknown) => e);
    const plain = await decodeError(Buffer.from('20160101000002,B0002,3,0,F,N,45,C07'));
    expect(plain).toBeInstanceOf(AvroDecodeError);
    expect((plain as Error).message).toMatch(/first byte is 50, not the schema registry magic byte 0/);
    expect(await decodeError(Buffer.from([0, 0]))).toBeInstanceOf(AvroDecodeError);
    const unknown = await decodeError(Buffer.from([0, 0, 0, 0x7f, 0x7f, 2]));
    expect((unknown as Error).message).toMatch(/schema 32639 is not in the registry/);
    const encoder = await AvroLineEncoder.create({registryUrl: registry.url, topic: 'trunc', schema: DRIVING_SCHEMA as never});
    const truncated = encoder.encodeLine('20160101000002,B0002,3,0,F,N,45,C07').subarray(0, 12);
    expect((await decodeError(truncated)) as Error).toBeInstanceOf(AvroDecodeError);

    const down = new AvroDecoder('http://127.0.0.1:1');
    await expect(down.decodeToFields(encoder.encodeLine('20160101000002,B0002,3,0,F,N,45,C07'))).rejects.toBeInstanceOf(RegistryUnavailableError);
  });

  it('runs last in an interceptor chain: filtered lines never reach it, bad ones go on marked rejected', async () => {
    const encoder = await avroEncoderFromFlags({format: 'avro', 'avro-schema': 'driving', 'registry-url': registry.url, 'field-separator': ','}, 'chain');
    const chain = [...createInterceptors([{type: 'regex_filter', regex: '^\\d{14}'}]), encoder!];
    const out = applyInterceptors(chain, [
      makeEvent('Driver Status Infomation,CarNum,AccStep,BrkStep,WheelStep,DirLightStep,Speed,AreaNum'),
      makeEvent('20160101000002,B0002,3,0,F,N,45,C07'),
      makeEvent('20160101000004,B0002,3,0,F,N,4x,C07'),
    ]);
    expect(out).toHaveLength(2);
    expect(out[0].rejected).toBeUndefined();
    expect(await new AvroDecoder(registry.url).decodeToLine(out[0].body)).toBe('20160101000002,B0002,3,0,F,N,45,C07');
    expect(out[1].rejected).toMatch(/field 7 \(speed\): "4x" is not an int/);
    expect(out[1].body.toString()).toBe('20160101000004,B0002,3,0,F,N,4x,C07');

    expect(await avroEncoderFromFlags({format: 'text', 'registry-url': registry.url}, 'chain')).toBeUndefined();
    await expect(avroEncoderFromFlags({format: 'avro', 'registry-url': registry.url}, 'chain')).rejects.toThrow(/--format avro needs --avro-schema/);
  });
});
