/** `kcollect registry serve` and `kcollect schema register|get|list` as a user runs them: the built CLI. */
import type {ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DRIVING_SCHEMA} from '../../src/registry/smartcar-schemas.js';
import {tempDir} from '../helpers/broker.js';
import {haveOpenssl, makeCerts} from '../helpers/certs.js';
import {expectUserError, expectUserErrorLine, runCli, runCliJson, spawnCli} from '../helpers/cli.js';

interface Serve {
  proc: ChildProcess;
  url: string;
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
}

/** `kcollect registry serve --port 0` as a child process; resolves at its ready line. */
async function spawnServe(dataDir: string, args: string[] = [], serveEnv: Record<string, string> = {}): Promise<Serve> {
  const proc = spawnCli(['registry', 'serve', '--port', '0', '--data-dir', dataDir, ...args], {env: serveEnv});
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => proc.once('exit', (code, signal) => resolve({code, signal})));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /^Schema Registry emulator ready on (https?:\/\/127\.0\.0\.1:\d+) /m.exec(out);
      if (m) resolve(m[1]);
    };
    proc.stdout!.on('data', onData);
    void exited.then(({code}) => reject(new Error(`registry serve exited (${code}) before it was ready:\n${out}`)));
  });
  return {proc, url, exited};
}

async function stop(serve: Serve): Promise<void> {
  if (serve.proc.exitCode !== null) return;
  serve.proc.kill('SIGTERM');
  expect((await serve.exited).code).toBe(0);
}

let dataDir: string;
let serve: Serve;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = tempDir('registry-cli');
  serve = await spawnServe(dataDir);
  env = {KCOLLECT_REGISTRY_URL: serve.url};
});

afterAll(async () => {
  if (serve) await stop(serve);
});

describe('kcollect registry and schema commands', () => {
  it('says plainly that serve emulates the Confluent Schema Registry API for development and tests', async () => {
    const r = await runCli(['registry', 'serve', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/EMULATES the Confluent Schema Registry REST API for development and tests/);
  });

  it('registers a built-in schema, and the same schema again keeps its id and version', async () => {
    const first = await runCliJson(['schema', 'register', 'SmartCar-Topic-value', '--builtin', 'driving'], {env});
    expect(first).toEqual({url: serve.url, subject: 'SmartCar-Topic-value', id: 1, version: 1});
    const again = await runCli(['schema', 'register', 'SmartCar-Topic-value', '--builtin', 'driving'], {env});
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(`registered SmartCar-Topic-value version 1 as schema id 1 in ${serve.url}\n`);
  });

  it("refuses an incompatible schema with the registry's reason", async () => {
    const r = await runCli(['schema', 'register', 'SmartCar-Topic-value', '--builtin', 'status'], {env});
    expectUserError(r, 'Schema being registered is incompatible with an earlier schema for subject "SmartCar-Topic-value"', /compatible/);
    expect(r.stderr).toMatch(/\(BACKWARD\)/);
  });

  it('registers a compatible evolution from a file, and refuses an invalid one', async () => {
    const dir = tempDir('schemas');
    const evolved = {...DRIVING_SCHEMA, fields: [...DRIVING_SCHEMA.fields, {name: 'driver', type: 'string', default: ''}]};
    fs.writeFileSync(path.join(dir, 'v2.avsc'), JSON.stringify(evolved, null, 2));
    expect(await runCliJson(['schema', 'register', 'SmartCar-Topic-value', '--file', path.join(dir, 'v2.avsc')], {env})).toEqual({url: serve.url, subject: 'SmartCar-Topic-value', id: 2, version: 2});
    fs.writeFileSync(path.join(dir, 'bad.avsc'), '{"type": "record", "name": "X", "fields": [{"name": "a", "type": "strin"}]}');
    expectUserError(await runCli(['schema', 'register', 'x-value', '--file', path.join(dir, 'bad.avsc')], {env}), 'Invalid schema: undefined type name: strin', 'valid Avro');
    expectUserError(await runCli(['schema', 'register', 'x-value', '--file', path.join(dir, 'missing.avsc')], {env}), 'cannot read');
  });

  it('gets a schema by subject and version, or by id', async () => {
    const latest = await runCli(['schema', 'get', 'SmartCar-Topic-value'], {env});
    expect(latest.code, latest.stderr).toBe(0);
    expect(latest.stdout.split('\n')[0]).toBe('SmartCar-Topic-value version 2, schema id 2');
    expect(JSON.parse(latest.stdout.slice(latest.stdout.indexOf('\n') + 1)).fields.at(-1)).toEqual({name: 'driver', type: 'string', default: ''});
    const v1 = await runCliJson(['schema', 'get', 'SmartCar-Topic-value', '--version', '1'], {env});
    expect(v1).toMatchObject({subject: 'SmartCar-Topic-value', version: 1, id: 1});
    expect(JSON.parse(v1.schema)).toEqual(DRIVING_SCHEMA);
    const byId = await runCliJson(['schema', 'get', '--id', '1'], {env});
    expect(byId).toEqual({url: serve.url, id: 1, schema: v1.schema});
    expectUserError(await runCli(['schema', 'get', 'nope-value'], {env}), "Subject 'nope-value' not found.", 'kcollect schema list');
    expectUserError(await runCli(['schema', 'get', 'SmartCar-Topic-value', '--version', '9'], {env}), 'Version 9 not found.');
    expectUserError(await runCli(['schema', 'get', '--id', '99'], {env}), 'Schema 99 not found');
  });

  it('lists subjects with their versions, and they survive a restart', async () => {
    await runCliJson(['schema', 'register', 'status-value', '--builtin', 'status'], {env});
    const expected = {
      url: serve.url,
      subjects: [
        {subject: 'SmartCar-Topic-value', versions: [1, 2], latestId: 2},
        {subject: 'status-value', versions: [1], latestId: 3},
      ],
    };
    expect(await runCliJson(['schema', 'list'], {env})).toEqual(expected);
    const human = await runCli(['schema', 'list'], {env});
    expect(human.stdout).toMatch(/^SmartCar-Topic-value\s+1,2\s+2$/m);

    await stop(serve);
    serve = await spawnServe(dataDir);
    env = {KCOLLECT_REGISTRY_URL: serve.url};
    expect(await runCliJson(['schema', 'list'], {env})).toEqual({...expected, url: serve.url});
  });

  it('says how to start a registry when none answers', async () => {
    const s = net.createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const {port} = s.address() as net.AddressInfo;
    await new Promise((resolve) => s.close(resolve));
    expectUserError(await runCli(['schema', 'list', '--registry-url', `http://127.0.0.1:${port}`]), 'no answer from the schema registry', 'kcollect registry serve');
  });
});

describe.skipIf(!haveOpenssl())('registry serve over https with basic auth', () => {
  const PASSWORD = 'Regi5try-Pa55word';
  let secure: Serve;
  let ca: string;
  beforeAll(async () => {
    const certs = await makeCerts(tempDir('certs'));
    ca = certs.ca;
    secure = await spawnServe(tempDir('registry-secure'), ['--tls-cert', certs.serverCert, '--tls-key', certs.serverKey], {KCOLLECT_SERVE_BASIC_AUTH: `writer:${PASSWORD}`});
  });
  afterAll(() => stop(secure));

  it('refuses without credentials (401), fails TLS without the CA, and serves with both, never printing the password', async () => {
    expect(secure.url).toMatch(/^https:/);
    const schema = path.join(tempDir('registry-secure-schema'), 'driving.avsc');
    fs.writeFileSync(schema, JSON.stringify(DRIVING_SCHEMA));
    const noAuth = await runCli(['schema', 'register', 'cars-value', '--file', schema, '--registry-url', secure.url, '--registry-ca', ca]);
    expectUserErrorLine(noAuth, /Unauthorized \(401\)/);
    expect(noAuth.stderr).toContain('--registry-user');

    const withCredentials = secure.url.replace('https://', `https://writer:${PASSWORD}@`);
    const noCa = await runCli(['schema', 'register', 'cars-value', '--file', schema, '--registry-url', withCredentials]);
    expect(noCa.code).toBe(1);
    expect(noCa.stderr).toMatch(/certificate|UNABLE_TO_VERIFY|SELF_SIGNED/i);
    expect(noCa.stderr).not.toContain(PASSWORD);

    const registered = await runCli(['schema', 'register', 'cars-value', '--file', schema, '--registry-url', withCredentials, '--registry-ca', ca, '--json']);
    expect(registered.code, registered.stderr).toBe(0);
    expect(JSON.parse(registered.stdout)).toMatchObject({url: secure.url, subject: 'cars-value', version: 1});
    expect(registered.stdout + registered.stderr).not.toContain(PASSWORD);

    const listed = await runCli(['schema', 'list', '--registry-url', secure.url, '--registry-ca', ca, '--registry-user', 'writer', '--json'], {env: {KCOLLECT_REGISTRY_PASSWORD: PASSWORD}});
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).subjects.map((s: {subject: string}) => s.subject)).toEqual(['cars-value']);
  });
});
