/**
 * `--format avro` end to end, as a user runs it: tail-produce and an agent file write smart-car
 * lines as Avro records in the Confluent wire format (checked with @kafkajs/confluent-schema-
 * registry, a real client, against the registry emulator), and `consume --value-format avro`
 * turns them back into the same HBase rows and printed lines as text.
 */
import fs from 'node:fs';
import path from 'node:path';
import csr from '@kafkajs/confluent-schema-registry';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {FetchedRecord} from '../../src/client/fetcher.js';
import {openProducer} from '../../src/client/producer.js';
import type {DrainStatus} from '../../src/drain/status.js';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {HBaseRestClient} from '../../src/hbase/rest-client.js';
import {DRIVING_SCHEMA} from '../../src/registry/smartcar-schemas.js';
import {AvroLineEncoder} from '../../src/registry/avro-encoder.js';
import {startRegistryEmulator, type RegistryEmulator} from '../../src/registry/emulator/index.js';
import {drainGroup} from '../../src/drain/group-drain.js';
import {withValueFormat} from '../../src/services/value-format.js';
import {DeadLetterQueue} from '../../src/sinks/dead-letter.js';
import {openSink} from '../../src/sinks/open-sink.js';
import {BOOK_COLUMNS, BOOK_ROW_KEY} from '../../src/sinks/hbase-rows.js';
import {runDrivingSimulator} from '../../src/simulate/driving.js';
import {ROOT, startBroker, tempDir} from '../helpers/broker.js';
import {collect, expectUserError, expectUserErrorLine, kcollect, runCli, spawnCli} from '../helpers/cli.js';
import {header, readTopic} from '../helpers/kafka.js';
import {until} from '../helpers/poll.js';
import {drivingRecords, produceLines} from '../drain/driving-records.js';
import {expectTableHoldsExactly} from '../drain/hbase-check.js';

let env: Awaited<ReturnType<typeof startBroker>>;
let registry: RegistryEmulator;
let hbase: HBaseEmulator;

beforeAll(async () => {
  env = await startBroker();
  registry = await startRegistryEmulator({port: 0});
  hbase = await startHBaseEmulator();
});

afterAll(async () => {
  await hbase?.stop();
  await registry?.stop();
  await env?.broker.close();
});

/** A record's value decoded by Confluent's JavaScript client, as the driving line it was. */
async function decodedLine(client: InstanceType<typeof csr.SchemaRegistry>, value: Buffer): Promise<string> {
  const record = (await client.decode(value)) as Record<string, unknown>;
  return DRIVING_SCHEMA.fields.map((f) => String(record[f.name])).join(',');
}

function headersOf(record: FetchedRecord): Record<string, string> {
  return Object.fromEntries(record.headers.map((h) => [h.key, h.value?.toString() ?? '']));
}

/** Every row of a table as key -> {column: value}, without cell versions. */
async function tableRows(table: string): Promise<Map<string, Record<string, string>>> {
  const rows = new Map<string, Record<string, string>>();
  for await (const row of new HBaseRestClient(hbase.url).scan(table)) rows.set(row.key.toString(), Object.fromEntries(row.cells.map((c) => [c.column, c.value.toString()])));
  return rows;
}

/** Produces values keyed by car number. */
async function produceValues(topic: string, records: Array<{key: string; value: Buffer}>): Promise<void> {
  const producer = await openProducer(topic, {brokers: [env.bootstrap], acks: 'all'});
  try {
    await producer.send(records.map((r) => ({key: Buffer.from(r.key), value: r.value})));
    await producer.flush();
  } finally {
    await producer.close();
  }
}

const summaryOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

describe('tail-produce --format avro', () => {
  it('sends each driving line as a DrivingRecord in the wire format under the registered id, keyed by car; a line that does not fit goes to the dead-letter topic', async () => {
    const topic = 'Avro-Tail';
    await env.broker.createTopic(topic, 3, {});
    const cwd = tempDir('avro-tail');
    const log = path.join(cwd, 'SmartCarDriverInfo.log');
    const good = drivingRecords(3, 20).map((r) => r.line);
    const bad = ['20160101000002,B0002,3,0,F,N,fast,C07', '20160101000004,B0002,3,0,F,N,45'];
    const lines = [...good.slice(0, 30), bad[0], ...good.slice(30, 45), bad[1], ...good.slice(45)];
    fs.writeFileSync(log, ['Driver Status Infomation,CarNum,AccStep,BrkStep,WheelStep,DirLightStep,Speed,AreaNum', ...lines, ''].join('\n'));

    const child = spawnCli(['tail-produce', log, '--topic', topic, '--include', '^\\d{14}', '--key-field', '2', '--format', 'avro', '--avro-schema', 'smartcar-driving', '--registry-url', registry.url, '-b', env.bootstrap], {cwd});
    const done = collect(child);
    await until(async () => (await readTopic(env.bootstrap, topic)).length >= good.length && (await readTopic(env.bootstrap, `${topic}.dlq`).catch(() => [])).length >= bad.length, 'the lines and the dead letters to arrive');
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`sent ${good.length} line\\(s\\) to ${topic}; 1 filtered out; 2 sent to ${topic}\\.dlq`));

    const client = new csr.SchemaRegistry({host: registry.url});
    const id = await client.getLatestSchemaId(`${topic}-value`);
    expect(r.stderr).toMatch(new RegExp(`values are Avro: schema id ${id}, subject ${topic}-value`));
    const records = await readTopic(env.bootstrap, topic);
    expect(records).toHaveLength(good.length);
    for (const rec of records) {
      expect(rec.value![0]).toBe(0); // magic byte
      expect(rec.value!.readInt32BE(1)).toBe(id);
    }
    const decoded = await Promise.all(records.map((rec) => decodedLine(client, rec.value!)));
    expect([...decoded].sort()).toEqual([...good].sort());
    // The key is still the car number, cut from the line.
    for (const [i, rec] of records.entries()) expect(rec.key!.toString()).toBe(decoded[i].split(',')[1]);

    const letters = await readTopic(env.bootstrap, `${topic}.dlq`);
    expect(letters.map((l) => l.value!.toString())).toEqual(bad);
    const [fast, short] = letters.map(headersOf);
    expect(fast['dlq.reason']).toMatch(/^not a DrivingRecord record: field 7 \(speed\): "fast" is not an int/);
    expect(short['dlq.reason']).toMatch(/7 field\(s\) where DrivingRecord has 8/);
    expect(fast['dlq.file']).toBe(log);
    expect(Number(fast['dlq.byte-offset'])).toBe(fs.readFileSync(log, 'utf8').indexOf(bad[0]));
  });

  it('says which --registry-url did not answer, before reading anything', async () => {
    const cwd = tempDir('avro-down');
    fs.writeFileSync(path.join(cwd, 'a.log'), '20160101000002,B0002,3,0,F,N,45,C07\n');
    const r = await kcollect(env.bootstrap, ['tail-produce', 'a.log', '--topic', 'Avro-Down', '--format', 'avro', '--avro-schema', 'smartcar-driving', '--registry-url', 'http://127.0.0.1:1'], {cwd});
    expectUserError(r, /^kcollect: registering the schema under Avro-Down-value: no answer from the schema registry at http:\/\/127\.0\.0\.1:1/, '--registry-url');
    expectUserError(await kcollect(env.bootstrap, ['spool-produce', cwd, '--topic', 'Avro-Down', '--format', 'avro'], {cwd}), '--format avro needs --avro-schema', 'smartcar-driving');
  });
});

describe('consume --value-format avro', () => {
  it('--to hbase writes the same rows as the text lines; a value that does not decode goes to the dead-letter topic', async () => {
    const records = drivingRecords(4, 30);
    const lines = records.map((r) => r.line);
    await env.broker.createTopic('Text-Drain', 2, {});
    await env.broker.createTopic('Avro-Drain', 2, {});
    await produceLines(env.bootstrap, 'Text-Drain', records);
    const encoder = await AvroLineEncoder.create({registryUrl: registry.url, topic: 'Avro-Drain', schema: DRIVING_SCHEMA as never});
    const notAvro = Buffer.from('20160101000002,B0002,3,0,F,N,45,C07');
    const unknownId = Buffer.from([0, 0, 0, 0x7f, 0x7f, 2]);
    await produceValues('Avro-Drain', [
      ...records.slice(0, 50).map((r) => ({key: r.car, value: encoder.encodeLine(r.line)})),
      {key: 'X1', value: notAvro},
      {key: 'X2', value: unknownId},
      ...records.slice(50).map((r) => ({key: r.car, value: encoder.encodeLine(r.line)})),
    ]);
    const cwd = tempDir('avro-drain');
    const drain = (topic: string, table: string, extra: string[] = []) =>
      kcollect(env.bootstrap, ['consume', topic, '--group', `loader-${table}`, '--to', 'hbase', '--hbase-url', hbase.url, '--table', table, '--create-table', '--exit', '--json', ...extra], {cwd});

    const text = await drain('Text-Drain', 'TextRows');
    expect(text.code, text.stderr).toBe(0);
    const avro = await drain('Avro-Drain', 'AvroRows', ['--value-format', 'avro', '--registry-url', registry.url]);
    expect(avro.code, avro.stderr).toBe(0);
    expect(summaryOf(avro.stdout)).toMatchObject({type: 'summary', records: lines.length, deadLettered: 2, deadLetterTopic: 'Avro-Drain.dlq'});

    await expectTableHoldsExactly(hbase.url, 'AvroRows', lines);
    expect(await tableRows('AvroRows')).toEqual(await tableRows('TextRows'));

    const letters = await readTopic(env.bootstrap, 'Avro-Drain.dlq');
    expect(letters.map((l) => l.value)).toEqual(expect.arrayContaining([notAvro, unknownId]));
    expect(letters).toHaveLength(2);
    const reasons = Object.fromEntries(letters.map((l) => [l.key!.toString(), headersOf(l)]));
    expect(reasons.X1['dlq.reason']).toMatch(/first byte is 50, not the schema registry magic byte 0/);
    expect(reasons.X2['dlq.reason']).toMatch(/schema 32639 is not in the registry/);
    expect(reasons.X2).toMatchObject({'dlq.topic': 'Avro-Drain'});
    expect(Number(reasons.X2['dlq.offset'])).toBeGreaterThanOrEqual(0);

    // Printing decodes too; what does not decode is printed as it is, with a warning.
    const printed = await kcollect(env.bootstrap, ['consume', 'Avro-Drain', '--exit', '--value-format', 'avro', '--registry-url', registry.url], {cwd});
    expect(printed.code, printed.stderr).toBe(0);
    const shown = printed.stdout.split('\n').filter((l) => /^\d{14},/.test(l));
    expect(shown.filter((l) => l !== notAvro.toString()).sort()).toEqual([...lines].sort());
    expect(printed.stderr).toMatch(/warning: Avro-Drain\/\d@\d+: value printed as it is: schema 32639 is not in the registry/);

    // replay decodes the same way.
    const replayed = await kcollect(env.bootstrap, ['replay', '-t', 'Avro-Drain', '--from-offset', '0', '--to', 'stdout', '--value-format', 'avro', '--registry-url', registry.url, '--dlq-topic', 'Avro-Replay.dlq'], {cwd});
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout.trimEnd().split('\n').sort()).toEqual([...lines].sort());
    expect(replayed.stderr).toMatch(new RegExp(`replayed ${lines.length + 2} record\\(s\\) of Avro-Drain: ${lines.length} written to stdout, 2 sent to Avro-Replay\\.dlq`));
  });

  it('a drain started while the registry does not answer yet waits for it, then writes everything once', async () => {
    const dataDir = tempDir('registry-late');
    let reg = await startRegistryEmulator({port: 0, dataDir});
    const {port, url} = reg;
    const topic = 'Avro-Late';
    await env.broker.createTopic(topic, 2, {});
    const encoder = await AvroLineEncoder.create({registryUrl: url, topic, schema: DRIVING_SCHEMA as never});
    const records = drivingRecords(3, 20);
    await produceValues(topic, records.map((r) => ({key: r.car, value: encoder.encodeLine(r.line)})));
    await reg.stop();

    const child = spawnCli(['consume', topic, '--group', 'late-loader', '--to', 'hbase', '--hbase-url', hbase.url, '--table', 'LateRows', '--create-table', '--exit', '--value-format', 'avro', '--registry-url', url], {env: {KCOLLECT_BROKERS: env.bootstrap}, cwd: tempDir('avro-late')});
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = collect(child);
    try {
      await until(() => /parked, partitions paused: no answer from the schema registry at /.test(stderr), 'the drain to say it waits for the registry').catch((err: Error) => {
        throw new Error(`${err.message}; it said: ${stderr}`);
      });
      expect((await tableRows('LateRows').catch(() => new Map())).size).toBe(0);
      reg = await startRegistryEmulator({port, dataDir});
      const r = await done;
      expect(r.code, r.stderr).toBe(0);
      await expectTableHoldsExactly(hbase.url, 'LateRows', records.map((rec) => rec.line));
    } finally {
      child.kill('SIGKILL');
      await reg.stop();
    }
  });

  it('waits while the registry does not answer (nothing dead-lettered, nothing committed) and writes everything once it is back', async () => {
    const dataDir = tempDir('registry-data');
    let reg = await startRegistryEmulator({port: 0, dataDir});
    const port = reg.port;
    const topic = 'Avro-Outage';
    await env.broker.createTopic(topic, 2, {});
    const encoder = await AvroLineEncoder.create({registryUrl: reg.url, topic, schema: DRIVING_SCHEMA as never});
    const statuses: DrainStatus[] = [];
    const stop = new AbortController();
    const sink = await withValueFormat(openSink({kind: 'hbase', url: hbase.url, table: 'OutageRows', family: 'cf1', columns: BOOK_COLUMNS, rowKey: BOOK_ROW_KEY, createTable: true}), {type: 'avro', registryUrl: reg.url});
    const deadLetters = new DeadLetterQueue([env.bootstrap], `${topic}.dlq`, sink.name);
    const draining = drainGroup({
      brokers: [env.bootstrap],
      topic,
      groupId: 'outage-loader',
      sink,
      deadLetters,
      startAtBeginning: true,
      stopAtEnd: false,
      backoff: {initialMs: 200, maxMs: 1000},
      signal: stop.signal,
      onStatus: (s) => statuses.push(s),
      statusIntervalMs: 200,
    });
    await until(() => statuses.length > 0, 'the drain to start');

    await reg.stop();
    const records = drivingRecords(3, 20);
    await produceValues(topic, records.map((r) => ({key: r.car, value: encoder.encodeLine(r.line)})));
    await until(() => statuses.some((s) => s.state === 'parked' && /schema registry/.test(s.error ?? '')), 'the drain to park on the registry');
    expect(await readTopic(env.bootstrap, `${topic}.dlq`).catch(() => [])).toHaveLength(0);
    expect((await tableRows('OutageRows')).size).toBe(0);

    reg = await startRegistryEmulator({port, dataDir});
    try {
      await until(async () => (await tableRows('OutageRows')).size >= records.length, 'the rows to arrive once the registry is back');
      stop.abort();
      const summary = await draining;
      expect(summary).toMatchObject({records: records.length, deadLettered: 0});
      await expectTableHoldsExactly(hbase.url, 'OutageRows', records.map((r) => r.line));
    } finally {
      stop.abort();
      await deadLetters.close();
      await reg.stop();
    }
  });
});

describe('agent file with format avro', () => {
  it('topology/agents/smartcar-driving-avro.yaml registers the driving schema at start and sends Avro records keyed by car; a bad line is dead-lettered', async () => {
    const registryUrl = registry.url;
    await env.broker.createTopic('SmartCar-Topic', 3, {});
    const cwd = tempDir('agent-avro');
    const log = path.join(cwd, 'driver-realtime-log', 'SmartCarDriverInfo.log');
    const sim = await runDrivingSimulator({cars: 3, outFile: log, speed: 'max', date: '20160101', toSecond: 120, seed: 9});
    const bad = '20160101000002,B0002,3,0,F,N,fast,C07';
    fs.appendFileSync(log, `${bad}\n`);
    const agentFile = path.join(ROOT, 'topology', 'agents', 'smartcar-driving-avro.yaml');

    const down = await runCli(['agent', 'run', agentFile, '-b', env.bootstrap], {cwd, env: {KCOLLECT_REGISTRY_URL: 'http://127.0.0.1:1'}});
    expectUserErrorLine(down, /^kcollect: sinks\.DriverCarInfo_KafkaSink\.format: registering the schema under SmartCar-Topic-value: no answer/);
    expect(down.stderr).toMatch(/hint: .*sinks\.DriverCarInfo_KafkaSink\.format\.registryUrl/);

    const agent = spawnCli(['agent', 'run', agentFile, '-b', env.bootstrap], {cwd, env: {KCOLLECT_REGISTRY_URL: registryUrl}});
    const done = collect(agent);
    await until(async () => (await readTopic(env.bootstrap, 'SmartCar-Topic')).length >= sim.lines && (await readTopic(env.bootstrap, 'SmartCar-Topic.dlq').catch(() => [])).length >= 1, 'the agent to deliver the log').catch(async (err: unknown) => {
      agent.kill('SIGINT');
      const out = await done;
      throw new Error(`${(err as Error).message}; the agent said:\n${out.stdout}${out.stderr}`);
    });
    agent.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);

    const client = new csr.SchemaRegistry({host: registryUrl});
    const id = await client.getLatestSchemaId('SmartCar-Topic-value');
    expect(r.stderr + r.stdout).toMatch(new RegExp(`values are Avro: schema id ${id}, subject SmartCar-Topic-value`));
    const records = await readTopic(env.bootstrap, 'SmartCar-Topic');
    const lines = fs.readFileSync(log, 'utf8').split('\n').filter((l) => /^\d{14}/.test(l) && l !== bad);
    expect(records.every((rec) => rec.value!.readInt32BE(1) === id)).toBe(true);
    const decoded = await Promise.all(records.map((rec) => decodedLine(client, rec.value!)));
    expect([...decoded].sort()).toEqual(lines.sort());
    for (const [i, rec] of records.entries()) expect(rec.key!.toString()).toBe(decoded[i].split(',')[1]);
    const letters = await readTopic(env.bootstrap, 'SmartCar-Topic.dlq');
    expect(letters.map((l) => l.value!.toString())).toEqual([bad]);
    expect(header(letters[0], 'dlq.reason')).toMatch(/field 7 \(speed\): "fast" is not an int/);
  });
});
