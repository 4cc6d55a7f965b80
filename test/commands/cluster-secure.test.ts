import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {freePort} from '../../src/lib/ports.js';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {haveOpenssl} from '../helpers/certs.js';
import {expectUserErrorLine, runCli, runCliJson} from '../helpers/cli.js';
import {run} from '../helpers/run.js';
import {hasCommand, requireTool} from '../helpers/system-deps.js';
import {identicalReplicas, writeTopology} from '../helpers/topology.js';
import {pickZkPort} from '../zk/helpers.js';

const ready = requireTool('zookeeper', zookeeperInstalled()) && requireTool('kcat', hasCommand('kcat')) && haveOpenssl();

/**
 * The shipped secured topology (ZooKeeper and three SASL_SSL brokers with SCRAM-SHA-256 on one
 * node) on free ports: `cluster certs`, then `cluster up`; every later command reaches it with
 * no security flag, kcat with the settings cluster up printed, and a plaintext client is refused.
 */
describe.runIf(ready)('cluster up with security:', () => {
  const cwd = tempDir('cluster-secure');
  const cli = (args: string[], input?: string) => runCli(args, {cwd, input, timeoutMs: 120_000});
  afterAll(async () => {
    await cli(['cluster', 'down', '--purge']);
  });

  it('makes the certificates, starts SASL_SSL brokers, and topic/produce/consume need no flags', async () => {
    const file = await writeTopology(cwd, 'multi-broker-single-node', {shipped: 'multi-broker-single-node-secure'});
    const certs = await runCliJson(['cluster', 'certs', file], {cwd});
    expect(certs.brokers.map((b: {id: number; san: string}) => [b.id, b.san])).toEqual([1, 2, 3].map((id) => [id, 'IP:127.0.0.1,DNS:localhost']));
    const keystore = fs.readFileSync(certs.brokers[0].keystore, 'utf8');
    expect(keystore).toMatch(/BEGIN CERTIFICATE[\s\S]*BEGIN PRIVATE KEY/);
    expect(fs.statSync(certs.brokers[0].keystore).mode & 0o077).toBe(0);
    const san = await run('openssl', ['x509', '-in', certs.brokers[2].keystore, '-noout', '-ext', 'subjectAltName']);
    expect(san.stdout).toMatch(/IP Address:127\.0\.0\.1, DNS:localhost/);

    const up = await cli(['cluster', 'up', file, '--detach', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const result = JSON.parse(up.stdout);
    const passwordFile = path.join(cwd, '.kcollect/cluster/admin.password');
    expect(result.client.createdPasswordFiles).toEqual([passwordFile]);
    expect(fs.statSync(passwordFile).mode & 0o077).toBe(0);
    const password = fs.readFileSync(passwordFile, 'utf8').trim();
    expect(up.stdout + up.stderr).not.toContain(password);
    const client = {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-256',
      'sasl.username': 'admin',
      'sasl.password': `\${file:${passwordFile}}`,
      'ssl.ca.location': certs.ca,
    };
    expect(result.client.properties).toEqual(client);
    const profileText = fs.readFileSync(path.join(cwd, '.kcollect/profile.json'), 'utf8');
    expect(JSON.parse(profileText).client).toEqual(client);
    expect(profileText).not.toContain(password);

    const created = await cli(['topic', 'create', 'secured', '--partitions', '1', '--replication-factor', '3']);
    expect(created.code, created.stderr).toBe(0);
    const produced = await cli(['produce', 'secured'], 'car-1\ncar-2\ncar-3\n');
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await cli(['consume', 'secured', '--exit', '-f', '%s\\n']);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toEqual(['car-1', 'car-2', 'car-3']);
    const status = await runCliJson(['cluster', 'status'], {cwd});
    expect(status.brokers.map((b: {answers: boolean}) => b.answers)).toEqual([true, true, true]);
    expect(status.underReplicated).toEqual([]);

    // kcat with the printed settings (its sasl.password takes the value itself).
    const kcatSettings = ['-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=SCRAM-SHA-256', '-X', 'sasl.username=admin', '-X', `sasl.password=${password}`, '-X', `ssl.ca.location=${certs.ca}`];
    const read = await run('kcat', ['-b', result.brokers, ...kcatSettings, '-C', '-t', 'secured', '-o', 'beginning', '-e', '-q'], {timeoutMs: 60_000});
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout.trim().split('\n')).toEqual(['car-1', 'car-2', 'car-3']);

    // Without the settings: refused.
    const plain = await run('kcat', ['-b', result.brokers, '-L', '-m', '5'], {timeoutMs: 60_000});
    expect(plain.code).not.toBe(0);
    expect(plain.stdout).not.toContain('secured');
    expectUserErrorLine(await cli(['topic', 'list', '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.password=wrong-password']), /SASL_AUTHENTICATION_FAILED|[Aa]uthentication/);
  }, 300_000);
});

/**
 * PLAIN users for clients, replication over an INTERNAL SSL listener on each broker's own port,
 * client certificates required on both: the profile carries the client certificate too.
 */
describe.runIf(ready)('cluster up with an internal listener and client certificates', () => {
  const cwd = tempDir('cluster-secure-internal');
  const cli = (args: string[], input?: string) => runCli(args, {cwd, input, timeoutMs: 120_000});
  afterAll(async () => {
    await cli(['cluster', 'down', '--purge']);
  });

  it('replicates over the internal listener; commands log in with PLAIN and the client certificate', async () => {
    const [p1, p2, i1, i2] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const file = path.join(cwd, 'internal.yaml');
    fs.writeFileSync(
      file,
      [
        'type: multi-broker-single-node',
        `zookeeper: {port: ${await pickZkPort(1)}, sessionTimeout: 3s}`,
        'brokers:',
        `  - {id: 1, port: ${p1}, security: {internalPort: ${i1}}}`,
        `  - {id: 2, port: ${p2}, security: {internalPort: ${i2}}}`,
        'defaults: {replicationFactor: 2}',
        'security:',
        '  protocol: SASL_SSL',
        '  interBrokerProtocol: SSL',
        '  sasl: {mechanism: PLAIN, users: [{name: carol, password: carol-secret}]}',
        '  tls: {dir: pki, clientAuth: required}',
      ].join('\n'),
    );
    expectUserErrorLine(await cli(['cluster', 'up', file, '--detach']), /security\.tls: .*pki\/ca\.pem.* not found/);
    expect((await cli(['cluster', 'certs', file])).code).toBe(0);
    const up = await runCliJson(['cluster', 'up', file, '--detach'], {cwd, timeoutMs: 120_000});
    expect(up.client.properties).toMatchObject({'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'carol', 'ssl.certificate.location': path.join(cwd, 'pki/client.pem'), 'ssl.key.location': path.join(cwd, 'pki/client.key')});
    expect(fs.readFileSync(up.client.passwordFile, 'utf8').trim()).toBe('carol-secret');
    const props = path.join(cwd, '.kcollect/cluster/broker-1/server.properties');
    expect(fs.statSync(props).mode & 0o077).toBe(0);
    expect(fs.readFileSync(props, 'utf8')).toContain(`listeners=CLIENT://127.0.0.1:${p1},INTERNAL://127.0.0.1:${i1}\nlistener.security.protocol.map=CLIENT:SASL_SSL,INTERNAL:SSL\ninter.broker.listener.name=INTERNAL\n`);

    expect((await cli(['topic', 'create', 'inside', '-p', '1', '-r', '2', '-c', 'min.insync.replicas=2'])).code).toBe(0);
    const produced = await cli(['produce', 'inside', '--acks', 'all'], 'one\ntwo\n');
    expect(produced.code, produced.stderr).toBe(0);
    await identicalReplicas([1, 2].map((id) => path.join(cwd, `.kcollect/cluster/broker-${id}`)), 'inside', 0);
    const consumed = await cli(['consume', 'inside', '--exit', '-f', '%s\\n']);
    expect(consumed.stdout.trim().split('\n')).toEqual(['one', 'two']);
    // Without the client certificate the TLS handshake is refused.
    const noCert = await run('kcat', ['-b', `127.0.0.1:${p1}`, '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=carol', '-X', 'sasl.password=carol-secret', '-X', `ssl.ca.location=${path.join(cwd, 'pki/ca.pem')}`, '-L', '-m', '5'], {timeoutMs: 60_000});
    expect(noCert.code).not.toBe(0);
  }, 300_000);
});
