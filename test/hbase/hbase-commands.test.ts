/** `kcollect hbase serve|create-table|get|scan` as a user runs them: the built CLI, real processes. */
import net from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {HBaseRestClient} from '../../src/hbase/rest-client.js';
import {tempDir} from '../helpers/broker.js';
import {expectUserError, runCli, runCliJson} from '../helpers/cli.js';
import {spawnServe, type ServeProcess} from './serve-process.js';

let serve: ServeProcess;
let client: HBaseRestClient;
let env: Record<string, string>;

beforeAll(async () => {
  serve = await spawnServe(tempDir('hbase-cli'));
  client = new HBaseRestClient(serve.url);
  env = {KCOLLECT_HBASE_URL: serve.url};
});

afterAll(async () => {
  client?.close();
  if (serve && serve.proc.exitCode === null) {
    serve.proc.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  }
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const {port} = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('kcollect hbase commands', () => {
  it('says plainly that serve emulates the HBase REST gateway for development and tests', async () => {
    const r = await runCli(['hbase', 'serve', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/emulat\w+ HBase's REST gateway/i);
    expect(r.stdout).toMatch(/for development and tests/);
  });

  it('create-table creates once, then reports the table exists and adds families', async () => {
    const first = await runCliJson(['hbase', 'create-table', 'DriverCarInfo', '--column-family', 'cf1'], {env});
    expect(first).toEqual({url: serve.url, table: 'DriverCarInfo', created: true, families: [{name: 'cf1', versions: 3}]});
    const again = await runCli(['hbase', 'create-table', 'DriverCarInfo', '-c', 'cf1', '-c', 'cf2'], {env});
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('table exists: DriverCarInfo');
    expect(again.stdout).toMatch(/^cf2\s+3$/m);
    expect((await client.tableSchema('DriverCarInfo'))!.map((f) => f.name)).toEqual(['cf1', 'cf2']);
    // The column family from the environment variable every HBase command reads (comma-separated here).
    const fromEnv = await runCli(['hbase', 'create-table', 'FromEnv'], {env: {...env, KCOLLECT_HBASE_FAMILY: 'cf1,cf2'}});
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect((await client.tableSchema('FromEnv'))!.map((f) => f.name)).toEqual(['cf1', 'cf2']);
  });

  it('get prints a row with its versions, and --json gives the typed result', async () => {
    await client.createTable('cars', ['cf1']);
    const key = '20000010106102-B0002';
    for (const [ts, speed] of [[1000, '40'], [2000, '45']] as const) {
      await client.putRows('cars', [{key: Buffer.from(key), cells: [{column: 'cf1:speed', value: Buffer.from(speed), timestamp: ts}, {column: 'cf1:area_number', value: Buffer.from('C07'), timestamp: ts}]}]);
    }
    const human = await runCli(['hbase', 'get', 'cars', key], {env});
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout.split('\n')[0]).toMatch(/^COLUMN\s+TIMESTAMP\s+VALUE$/);
    expect(human.stdout).toMatch(/^cf1:speed\s+2000\s+45$/m);
    expect(human.stdout).not.toMatch(/\b40\b/);

    const json = await runCliJson(['hbase', 'get', 'cars', key, '--versions', '2', '--column', 'cf1:speed'], {env});
    expect(json).toEqual({
      url: serve.url,
      table: 'cars',
      row: key,
      found: true,
      cells: [
        {column: 'cf1:speed', timestamp: 2000, value: '45', valueBase64: 'NDU='},
        {column: 'cf1:speed', timestamp: 1000, value: '40', valueBase64: 'NDA='},
      ],
    });
    const missing = await runCli(['hbase', 'get', 'cars', 'no-such-row', '--json'], {env});
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({found: false, cells: []});
    const missingHuman = await runCli(['hbase', 'get', 'cars', 'no-such-row'], {env});
    expect([missingHuman.code, missingHuman.stdout, missingHuman.stderr]).toEqual([1, '', 'kcollect: row no-such-row not found in cars\n']);
  });

  it('scan prints rows in key order within a range and stops at --limit', async () => {
    await client.createTable('scanned', ['cf']);
    await client.putRows('scanned', ['c', 'a', 'd', 'b'].map((k) => ({key: Buffer.from(k), cells: [{column: 'cf:v', value: Buffer.from(`value-${k}`), timestamp: 7}]})));
    const human = await runCli(['hbase', 'scan', 'scanned', '--start-row', 'b', '--end-row', 'd'], {env});
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toBe('ROW  COLUMN  TIMESTAMP  VALUE\nb    cf:v    7          value-b\nc    cf:v    7          value-c\n2 row(s)\n');
    const limited = await runCliJson(['hbase', 'scan', 'scanned', '--limit', '3', '--batch', '1'], {env});
    expect(limited.rows.map((r: {key: string}) => r.key)).toEqual(['a', 'b', 'c']);
    expect(limited).toMatchObject({count: 3, limited: true, table: 'scanned'});
    expect(limited.rows[0].cells).toEqual([{column: 'cf:v', timestamp: 7, value: 'value-a', valueBase64: Buffer.from('value-a').toString('base64')}]);
  });

  // 20,000 rows x 8 columns print 160,000 lines: the table's widths once came from
  // Math.max(...cells), which overflowed the stack ("Maximum call stack size exceeded"), and
  // --json built that table too.
  it('scans a table of 160,000 cells, as text and as --json', async () => {
    await client.createTable('wide', ['cf']);
    const columns = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (let start = 0; start < 20_000; start += 2_000) {
      const rows = Array.from({length: 2_000}, (_, i) => ({
        key: Buffer.from(`r${String(start + i).padStart(5, '0')}`),
        cells: columns.map((c) => ({column: `cf:${c}`, value: Buffer.from(`${c}${start + i}`), timestamp: 7})),
      }));
      await client.putRows('wide', rows);
    }
    const human = await runCli(['hbase', 'scan', 'wide'], {env});
    expect(human.code, human.stderr).toBe(0);
    const lines = human.stdout.split('\n');
    expect(lines).toHaveLength(160_003); // header, 160,000 cells, the count, and the final newline
    expect(lines.slice(0, 3)).toEqual(['ROW     COLUMN  TIMESTAMP  VALUE', 'r00000  cf:a    7          a0', 'r00000  cf:b    7          b0']);
    expect(lines.slice(-3)).toEqual(['r19999  cf:h    7          h19999', '20000 row(s)', '']);

    const json = await runCliJson(['hbase', 'scan', 'wide'], {env});
    expect(json).toMatchObject({count: 20_000, limited: false, table: 'wide'});
    expect(json.rows.at(-1).key).toBe('r19999');
    expect(json.rows.at(-1).cells.map((c: {value: string}) => c.value)).toEqual(columns.map((c) => `${c}19999`));
  });

  it('names a missing table and how to create it', async () => {
    expectUserError(await runCli(['hbase', 'get', 'nope', 'r'], {env}), 'table nope does not exist', 'kcollect hbase create-table nope');
    expectUserError(await runCli(['hbase', 'scan', 'nope'], {env}), 'table nope does not exist', 'create-table');
  });

  it('names the URL when nothing listens there, and says how to start an emulator', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    for (const args of [['hbase', 'scan', 't'], ['hbase', 'get', 't', 'r'], ['hbase', 'create-table', 't', '-c', 'cf']]) {
      expectUserError(await runCli([...args, '--hbase-url', url]), `cannot reach the HBase REST gateway at ${url}`, 'kcollect hbase serve');
    }
  });

  it('refuses a --fail-rate outside 0..1', async () => {
    expectUserError(await runCli(['hbase', 'serve', '--port', '0', '--data-dir', tempDir('hbase-bad'), '--fail-rate', '2']), '--fail-rate must be a number from 0 to 1');
  });
});
