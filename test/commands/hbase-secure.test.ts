import https from 'node:https';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type {Broker} from '../../src/broker/broker.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {haveOpenssl, makeCerts, type TestCerts} from '../helpers/certs.js';
import {collect, expectUserErrorLine, kcollect, runCli, spawnCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';
import {spawnServe, type ServeProcess} from '../hbase/serve-process.js';

const PASSWORD = 'Hb4se-Gateway-Pa55';
const LINES = ['20160101000001,A0001,1,0,F,0,50,A01', '20160101000002,A0002,1,0,F,0,60,A02', '20160101000003,A0003,0,1,L1,0,10,A03'];

/** `hbase serve` with https and basic auth, and every HBase client of kcollect against it. */
describe.skipIf(!haveOpenssl())('HBase REST over TLS with basic auth', () => {
  let certs: TestCerts;
  let serve: ServeProcess;
  let broker: Broker;
  let bootstrap: string;
  let url: string;
  let withCredentials: string;

  beforeAll(async () => {
    certs = await makeCerts(tempDir('certs'));
    serve = await spawnServe(tempDir('hbase-secure'), ['--tls-cert', certs.serverCert, '--tls-key', certs.serverKey], {KCOLLECT_SERVE_BASIC_AUTH: `loader:${PASSWORD}`});
    url = serve.url;
    withCredentials = url.replace('https://', `https://loader:${PASSWORD}@`);
    ({broker, bootstrap} = await startBroker());
    const created = await kcollect(bootstrap, ['topic', 'create', 'SmartCar-Topic']);
    expect(created.code, created.stderr).toBe(0);
    const produced = await kcollect(bootstrap, ['produce', 'SmartCar-Topic'], {input: `${LINES.join('\n')}\n`});
    expect(produced.code, produced.stderr).toBe(0);
  });

  afterAll(async () => {
    serve?.proc.kill('SIGKILL');
    await serve?.exited;
    await broker?.close();
  });

  it('serves https only, and answers 401 without credentials, to the /_emulator switches too', async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const status = (path: string, auth?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = https.request(`${url}${path}`, {method: 'POST', ca: fs.readFileSync(certs.ca), headers: auth ? {Authorization: `Basic ${Buffer.from(auth).toString('base64')}`} : {}}, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('/_emulator/down')).toBe(401);
    expect(await status('/_emulator/down', 'loader:wrong')).toBe(401);
    expect(await status('/_emulator/up', `loader:${PASSWORD}`)).toBe(200);
  });

  it('hbase commands: 401 without credentials, a TLS error without the CA, rows with both; the password is never printed', async () => {
    const noAuth = await runCli(['hbase', 'create-table', 'DriverCarInfo', '-c', 'cf1', '--hbase-url', url, '--hbase-ca', certs.ca]);
    expectUserErrorLine(noAuth, `the HBase REST gateway at ${url} refused our credentials (401 Unauthorized)`);

    const noCa = await runCli(['hbase', 'create-table', 'DriverCarInfo', '-c', 'cf1', '--hbase-url', withCredentials]);
    expectUserErrorLine(noCa, new RegExp(`^kcollect: TLS with the HBase REST gateway at ${url.replaceAll('.', '\\.')} failed`));
    expect(noCa.stderr).not.toContain(PASSWORD);

    const created = await runCli(['hbase', 'create-table', 'Probe', '-c', 'cf1', '--hbase-url', withCredentials, '--hbase-ca', certs.ca, '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({url, table: 'Probe', created: true});
    expect(created.stdout + created.stderr).not.toContain(PASSWORD);

    // The user flag with the password from the environment, as a script would pass it.
    const scan = await runCli(['hbase', 'scan', 'Probe', '--hbase-url', url, '--hbase-ca', certs.ca, '--hbase-user', 'loader', '--json'], {env: {KCOLLECT_HBASE_PASSWORD: PASSWORD}});
    expect(scan.code, scan.stderr).toBe(0);
    expect(JSON.parse(scan.stdout).count).toBe(0);
  });

  it('the hbase drain writes through TLS with credentials, and stops on 401 without them, committing nothing', async () => {
    const refused = await kcollect(bootstrap, ['consume', 'SmartCar-Topic', '--group', 'refused', '--to', 'hbase', '--hbase-url', url, '--hbase-ca', certs.ca, '--create-table', '--exit']);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('refused our credentials (401 Unauthorized)');
    const refusedGroup = await kcollect(bootstrap, ['group', 'describe', 'refused', '--json']);
    expect(refusedGroup.stdout).not.toMatch(/"committed":\s*[1-9]/);

    const drained = await kcollect(bootstrap, ['consume', 'SmartCar-Topic', '--group', 'loader', '--to', 'hbase', '--hbase-url', withCredentials, '--hbase-ca', certs.ca, '--create-table', '--exit', '--json']);
    expect(drained.code, drained.stderr).toBe(0);
    expect(drained.stdout + drained.stderr).not.toContain(PASSWORD);
    expect(JSON.parse(drained.stdout.trim().split('\n').at(-1)!)).toMatchObject({type: 'summary', records: 3});

    const scan = await runCli(['hbase', 'scan', 'DriverCarInfo', '--hbase-url', withCredentials, '--hbase-ca', certs.ca, '--json']);
    expect(scan.code, scan.stderr).toBe(0);
    const rows = JSON.parse(scan.stdout).rows as Array<{key: string}>;
    expect(rows.map((r) => r.key).sort()).toEqual(['10000010106102-A0001', '20000010106102-A0002', '30000010106102-A0003'].sort());
  });

  it('an agent file: the hbase sink writes through its tls: and basicAuth: keys (the password from ${file:PATH})', async () => {
    const cwd = tempDir('hbase-secure-agent');
    fs.writeFileSync(path.join(cwd, 'driving.log'), `${LINES.join('\n')}\n`);
    fs.writeFileSync(path.join(cwd, 'gateway.password'), `${PASSWORD}\n`, {mode: 0o600});
    fs.writeFileSync(
      path.join(cwd, 'agent.yaml'),
      `name: hbase-tls
sources:
  driving: {type: tail, paths: [driving.log], channels: [c1]}
channels:
  c1: {type: memory}
sinks:
  h: {type: hbase, channel: c1, url: '${url}', table: AgentRows, columnFamily: cf1, createTable: true, tls: {ca: '${certs.ca}'}, basicAuth: {username: loader, password: '\${file:gateway.password}'}}
`,
    );
    const agent = spawnCli(['agent', 'run', 'agent.yaml'], {cwd});
    const done = collect(agent);
    const rowsIn = async () => {
      const scan = await runCli(['hbase', 'scan', 'AgentRows', '--hbase-url', withCredentials, '--hbase-ca', certs.ca, '--json']);
      return scan.code === 0 ? (JSON.parse(scan.stdout).rows as unknown[]).length : 0;
    };
    await until(async () => (await rowsIn()) >= LINES.length, 'the rows in HBase');
    agent.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain(PASSWORD);
  });
});
