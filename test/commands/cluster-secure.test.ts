import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {haveOpenssl} from '../helpers/certs.js';
import {expectUserErrorLine, runCli, runCliJson} from '../helpers/cli.js';
import {run} from '../helpers/run.js';
import {hasCommand, requireTool} from '../helpers/system-deps.js';
import {writeTopology} from '../helpers/topology.js';

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
