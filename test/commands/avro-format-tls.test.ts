/**
 * The Avro paths against a registry behind a private CA, client certificates and basic auth:
 * `tail-produce --format avro` registers and encodes, `consume --value-format avro` decodes, both
 * through --registry-ca/--registry-cert/--registry-key (no NODE_EXTRA_CA_CERTS needed).
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startRegistryEmulator, type RegistryEmulator} from '../../src/registry/emulator/index.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {haveOpenssl, makeCerts, type TestCerts} from '../helpers/certs.js';
import {collect, expectUserError, kcollect, spawnCli} from '../helpers/cli.js';
import {readTopic} from '../helpers/kafka.js';
import {until} from '../helpers/poll.js';
import {drivingRecords} from '../drain/driving-records.js';

const PASSWORD = 'registry-secret';

describe.runIf(haveOpenssl())('the Avro paths with a private CA for the schema registry', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let registry: RegistryEmulator;
  let certs: TestCerts;

  beforeAll(async () => {
    certs = await makeCerts(tempDir('registry-pki'));
    env = await startBroker();
    const pem = (file: string) => fs.readFileSync(file, 'utf8');
    registry = await startRegistryEmulator({
      port: 0,
      security: {tls: {cert: pem(certs.serverCert), key: pem(certs.serverKey), clientCa: pem(certs.ca)}, basicAuth: {username: 'writer', password: PASSWORD}},
    });
  });

  afterAll(async () => {
    await registry?.stop();
    await env?.broker.close();
  });

  it('tail-produce registers and encodes, consume decodes, both trusting --registry-ca with a client certificate; without the CA a clear error', async () => {
    const topic = 'Avro-Tls';
    await env.broker.createTopic(topic, 1, {});
    const cwd = tempDir('avro-tls');
    const lines = drivingRecords(2, 10).map((r) => r.line);
    fs.writeFileSync(path.join(cwd, 'driving.log'), `${lines.join('\n')}\n`);
    const tlsFlags = ['--registry-url', registry.url, '--registry-ca', certs.ca, '--registry-cert', certs.clientCert, '--registry-key', certs.clientKey, '--registry-user', 'writer'];
    const secretEnv = {KCOLLECT_REGISTRY_PASSWORD: PASSWORD};

    const child = spawnCli(['tail-produce', 'driving.log', '--topic', topic, '--key-field', '2', '--format', 'avro', '--avro-schema', 'smartcar-driving', ...tlsFlags, '-b', env.bootstrap], {cwd, env: secretEnv});
    const done = collect(child);
    await until(async () => (await readTopic(env.bootstrap, topic)).length >= lines.length, 'the Avro records to arrive');
    child.kill('SIGINT');
    const produced = await done;
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stderr).toMatch(new RegExp(`values are Avro: schema id \\d+, subject ${topic}-value`));
    const records = await readTopic(env.bootstrap, topic);
    expect(records.every((r) => r.value![0] === 0)).toBe(true); // wire format, not the text line

    const printed = await kcollect(env.bootstrap, ['consume', topic, '--exit', '--value-format', 'avro', ...tlsFlags], {cwd, env: secretEnv});
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout.split('\n').filter((l) => /^\d{14},/.test(l))).toEqual(lines);
    for (const out of [produced.stdout, produced.stderr, printed.stdout, printed.stderr]) expect(out).not.toContain(PASSWORD);

    // Without the CA the registry's certificate is not trusted: said before anything is read.
    const untrusted = await kcollect(env.bootstrap, ['consume', topic, '--exit', '--value-format', 'avro', '--registry-url', registry.url], {cwd});
    expectUserError(untrusted, /^kcollect: reading Avro record values: TLS with the schema registry at https:\/\/127\.0\.0\.1:\d+ failed \(SELF_SIGNED_CERT_IN_CHAIN\)$/, '--registry-ca');
    // Without a client certificate the registry refuses the handshake.
    const noCert = await kcollect(env.bootstrap, ['consume', topic, '--exit', '--value-format', 'avro', '--registry-url', registry.url, '--registry-ca', certs.ca, '--registry-user', 'writer'], {cwd, env: secretEnv});
    expectUserError(noCert, /^kcollect: reading Avro record values: (TLS with|no answer from) the schema registry/);
  });

  it('an agent file: a kafka sink with an Avro format reaches the registry through tls: and basicAuth: keys (the password as ${env:NAME})', async () => {
    const topic = 'Avro-Tls-Agent';
    await env.broker.createTopic(topic, 1, {});
    const cwd = tempDir('avro-tls-agent');
    const lines = drivingRecords(2, 5).map((r) => r.line);
    fs.writeFileSync(path.join(cwd, 'driving.log'), `${lines.join('\n')}\n`);
    const tlsKeys = `tls: {ca: '${certs.ca}', cert: '${certs.clientCert}', key: '${certs.clientKey}'}, basicAuth: {username: writer, password: '\${env:REGISTRY_PASSWORD}'}`;
    fs.writeFileSync(
      path.join(cwd, 'agent.yaml'),
      `name: avro-tls
sources:
  driving: {type: tail, paths: [driving.log], channels: [c1]}
channels:
  c1: {type: memory}
sinks:
  k: {type: kafka, channel: c1, topic: ${topic}, format: {type: avro, schema: smartcar-driving, registryUrl: '${registry.url}', ${tlsKeys}}}
`,
    );
    const agent = spawnCli(['agent', 'run', 'agent.yaml', '-b', env.bootstrap], {cwd, env: {REGISTRY_PASSWORD: PASSWORD}});
    const done = collect(agent);
    await until(async () => (await readTopic(env.bootstrap, topic)).length >= lines.length, 'the Avro records to arrive');
    agent.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`values are Avro: schema id \\d+, subject ${topic}-value`));
    expect((await readTopic(env.bootstrap, topic)).every((rec) => rec.value![0] === 0)).toBe(true);
    expect(r.stderr).not.toContain(PASSWORD);
  });
});
