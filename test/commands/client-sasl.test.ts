import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {freePort} from '../../src/lib/ports.js';
import {type BrokerProcess, spawnBrokerWith, tempDir} from '../helpers/broker.js';
import {haveOpenssl, makeCerts, type TestCerts} from '../helpers/certs.js';
import {expectUserErrorLine, runCli} from '../helpers/cli.js';

const PLAIN_JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";';

/**
 * kcollect's own commands against a broker whose only client listeners are SASL_SSL and
 * SASL_PLAINTEXT (PLAIN from the JAAS line, SCRAM users made with `kcollect user create`).
 */
describe.runIf(haveOpenssl())('kcollect produce/consume/topic/group against SASL_SSL', () => {
  let certs: TestCerts;
  let broker: BrokerProcess;
  let dir: string;
  let saslSsl: string;
  let saslPlain: string;
  let plain: string;

  beforeAll(async () => {
    dir = tempDir('client-sasl');
    certs = await makeCerts(dir);
    const [p0, p1, p2] = [await freePort(), await freePort(), await freePort()];
    plain = `127.0.0.1:${p0}`;
    saslSsl = `127.0.0.1:${p1}`;
    saslPlain = `127.0.0.1:${p2}`;
    fs.writeFileSync(
      path.join(dir, 'server.properties'),
      [
        'broker.id=0',
        `log.dirs=${path.join(dir, 'data')}`,
        `listeners=PLAINTEXT://${plain},SASL_SSL://${saslSsl},SASL_PLAINTEXT://${saslPlain}`,
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,SASL_PLAINTEXT:SASL_PLAINTEXT',
        'inter.broker.listener.name=PLAINTEXT',
        'ssl.keystore.type=PEM',
        `ssl.keystore.location=${certs.keystore}`,
        `ssl.key.password=${certs.keyPassword}`,
        'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
        `listener.name.sasl_ssl.plain.sasl.jaas.config=${PLAIN_JAAS}`,
        `listener.name.sasl_plaintext.plain.sasl.jaas.config=${PLAIN_JAAS}`,
        'group.initial.rebalance.delay.ms=0',
        '',
      ].join('\n'),
    );
    broker = await spawnBrokerWith(['--config', path.join(dir, 'server.properties')]);
    for (const [mechanism, password] of [
      ['SCRAM-SHA-256', 'carol-256-pw'],
      ['SCRAM-SHA-512', 'carol-512-pw'],
    ]) {
      fs.writeFileSync(path.join(dir, `${mechanism}.pw`), `${password}\n`);
      const r = await runCli(['user', 'create', 'carol', '--mechanism', mechanism, '--password-file', path.join(dir, `${mechanism}.pw`), '-b', plain]);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 120_000);

  afterAll(async () => {
    broker?.proc.kill('SIGTERM');
    await broker?.exited;
  });

  const scram = (mechanism: string, password: string) => ['-b', saslSsl, '-X', 'security.protocol=SASL_SSL', '-X', `sasl.mechanism=${mechanism}`, '-X', 'sasl.username=carol', '-X', `sasl.password=${password}`, '-X', `ssl.ca.location=${certs.ca}`];

  it('topic create (kafkajs), produce (wire producer), consume (fetcher and group) with SCRAM-SHA-256/512 and PLAIN', async () => {
    const created = await runCli(['topic', 'create', 'secured', '-p', '2', ...scram('SCRAM-SHA-256', 'carol-256-pw')]);
    expect(created.code, created.stderr).toBe(0);
    const produced = await runCli(['produce', 'secured', '-K', ':', ...scram('SCRAM-SHA-512', 'carol-512-pw')], {input: 'a:one\nb:two\nc:three\n'});
    expect(produced.code, produced.stderr).toBe(0);

    const props = path.join(dir, 'plain.properties');
    fs.writeFileSync(props, `security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";\nssl.truststore.type=PEM\nssl.truststore.location=${certs.ca}\n`);
    const consumed = await runCli(['consume', 'secured', '--exit', '-f', '%s\\n', '-b', saslSsl, '--command-config', props]);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.split('\n').filter(Boolean).sort()).toEqual(['one', 'three', 'two']);

    const grouped = await runCli(['consume', 'secured', '--group', 'sasl-readers', '--exit', '-f', '%s\\n', ...scram('SCRAM-SHA-256', 'carol-256-pw')]);
    expect(grouped.code, grouped.stderr).toBe(0);
    expect(grouped.stdout.split('\n').filter(Boolean).sort()).toEqual(['one', 'three', 'two']);

    // kcollect's own security commands go through the same client config.
    const users = await runCli(['user', 'list', '--json', ...scram('SCRAM-SHA-256', 'carol-256-pw')]);
    expect(users.code, users.stderr).toBe(0);
    expect(users.stdout).toContain('carol');

    // SASL_PLAINTEXT: SASL without TLS.
    const listed = await runCli(['topic', 'list', '--json', '-b', saslPlain, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanism=SCRAM-SHA-512', '-X', 'sasl.username=carol', '-X', 'sasl.password=carol-512-pw']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).topics.map((t: {name: string}) => t.name)).toContain('secured');
  });

  it('a wrong password is SASL_AUTHENTICATION_FAILED at once, for the wire client and kafkajs, and never printed', async () => {
    const wire = await runCli(['produce', 'secured', ...scram('SCRAM-SHA-256', 'not-the-password')], {input: 'x\n'});
    expectUserErrorLine(wire, /SASL_AUTHENTICATION_FAILED/);
    expect(wire.stderr).not.toContain('not-the-password');
    const admin = await runCli(['topic', 'list', ...scram('SCRAM-SHA-512', 'not-the-password')]);
    expectUserErrorLine(admin, /SASL|[Aa]uthentication/);
    expect(admin.stderr).not.toContain('not-the-password');
  });
});
