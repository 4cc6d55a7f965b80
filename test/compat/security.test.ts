import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {freePort} from '../../src/lib/ports.js';
import {type BrokerProcess, spawnBrokerWith, tempDir} from '../helpers/broker.js';
import {haveOpenssl, makeCerts, type TestCerts} from '../helpers/certs.js';
import {runCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';
import {run, runOk} from '../helpers/run.js';
import {hasCommand, hasPythonModule, requireTool} from '../helpers/system-deps.js';

/**
 * A broker started from a Kafka server.properties with four listeners (PLAINTEXT for kcollect's
 * own commands, SSL with client certificates required, SASL_SSL and SASL_PLAINTEXT with PLAIN
 * and SCRAM), driven by kcat, confluent-kafka, kafka-python and kafkajs.
 */

const {Kafka, logLevel} = kafkajs;
const PY = '/usr/bin/python3';
const ready = haveOpenssl() && requireTool('kcat', hasCommand('kcat'));
const haveKafkaPython = requireTool('python3-kafka', hasPythonModule('kafka'));
const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));

const PLAIN_JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret" user_admin="admin-secret";';

describe.runIf(ready)('a secured broker (server.properties, TLS, SASL) with real clients', () => {
  let certs: TestCerts;
  let broker: BrokerProcess;
  const port: Record<'plain' | 'ssl' | 'saslSsl' | 'saslPlain', number> = {plain: 0, ssl: 0, saslSsl: 0, saslPlain: 0};
  const at = (p: number) => `127.0.0.1:${p}`;

  const kcat = (p: number, config: Record<string, string>, args: string[], input?: string) =>
    run('kcat', ['-b', at(p), ...Object.entries(config).flatMap(([k, v]) => ['-X', `${k}=${v}`]), ...args], {input, timeoutMs: 60_000});
  const sasl = (mechanism: string, username: string, password: string) => ({'security.protocol': 'SASL_SSL', 'sasl.mechanisms': mechanism, 'sasl.username': username, 'sasl.password': password, 'ssl.ca.location': certs.ca});
  const mtls = () => ({'security.protocol': 'SSL', 'ssl.ca.location': certs.ca, 'ssl.certificate.location': certs.clientCert, 'ssl.key.location': certs.clientKey});

  beforeAll(async () => {
    const dir = tempDir('secure');
    certs = await makeCerts(dir);
    for (const k of Object.keys(port) as Array<keyof typeof port>) port[k] = await freePort();
    const props = [
      'broker.id=0',
      `log.dirs=${path.join(dir, 'data')}`,
      `listeners=PLAINTEXT://127.0.0.1:${port.plain},SSL://127.0.0.1:${port.ssl},SASL_SSL://127.0.0.1:${port.saslSsl},SASL_PLAINTEXT://127.0.0.1:${port.saslPlain}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,SASL_PLAINTEXT:SASL_PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
      'ssl.keystore.type=PEM',
      `ssl.keystore.location=${certs.keystore}`,
      `ssl.key.password=${certs.keyPassword}`,
      'ssl.truststore.type=PEM',
      'ssl.truststore.location=ca.pem',
      'listener.name.ssl.ssl.client.auth=required',
      'ssl.enabled.protocols=TLSv1.2,TLSv1.3',
      'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      `listener.name.sasl_ssl.plain.sasl.jaas.config=${PLAIN_JAAS}`,
      `listener.name.sasl_plaintext.plain.sasl.jaas.config=${PLAIN_JAAS}`,
      'num.partitions=2',
      'num.network.threads=3',
      'group.initial.rebalance.delay.ms=0',
    ];
    fs.writeFileSync(path.join(dir, 'server.properties'), props.join('\n') + '\n');
    broker = await spawnBrokerWith(['--config', path.join(dir, 'server.properties')]);
    // SCRAM users are created by kcollect's own command over the PLAINTEXT listener.
    for (const [user, mechanism, password] of [
      ['carol', 'SCRAM-SHA-256', 'carol-256'],
      ['carol', 'SCRAM-SHA-512', 'carol-512'],
    ]) {
      fs.writeFileSync(path.join(dir, `${user}.pw`), `${password}\n`);
      const r = await runCli(['user', 'create', user, '--mechanism', mechanism, '--password-file', path.join(dir, `${user}.pw`), '-b', at(port.plain)]);
      expect(r.stderr).toBe('');
    }
  }, 120_000);

  afterAll(async () => {
    broker?.proc.kill('SIGTERM');
    await broker?.exited;
  });

  it('starts from server.properties, tells the keys without effect, and advertises each listener to its own clients', async () => {
    expect(broker.bootstrap).toBe(at(port.plain));
    expect(broker.output()).toMatch(/num\.network\.threads accepted but without effect/);
    const md = JSON.parse((await kcat(port.saslSsl, sasl('PLAIN', 'alice', 'alice-secret'), ['-L', '-J'])).stdout);
    expect(md.brokers).toEqual([{id: 0, name: at(port.saslSsl)}]);
    const mdPlain = JSON.parse((await kcat(port.plain, {}, ['-L', '-J'])).stdout);
    expect(mdPlain.brokers).toEqual([{id: 0, name: at(port.plain)}]);
  });

  it('kcat produces and consumes over SASL_SSL with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512', async () => {
    for (const [mechanism, user, password] of [
      ['PLAIN', 'alice', 'alice-secret'],
      ['SCRAM-SHA-256', 'carol', 'carol-256'],
      ['SCRAM-SHA-512', 'carol', 'carol-512'],
    ]) {
      const topic = `kcat-${mechanism.toLowerCase()}`;
      const produced = await kcat(port.saslSsl, sasl(mechanism, user, password), ['-P', '-t', topic], 'one\ntwo\nthree\n');
      expect(produced.code, produced.stderr).toBe(0);
      const consumed = await kcat(port.saslSsl, sasl(mechanism, user, password), ['-C', '-t', topic, '-o', 'beginning', '-e', '-q']);
      expect(consumed.stdout.trim().split('\n').sort()).toEqual(['one', 'three', 'two']);
    }
  });

  it('kcat with a client certificate over SSL (mTLS), and over SASL_PLAINTEXT', async () => {
    expect((await kcat(port.ssl, mtls(), ['-P', '-t', 'kcat-mtls'], 'cert\n')).code).toBe(0);
    expect((await kcat(port.ssl, mtls(), ['-C', '-t', 'kcat-mtls', '-o', 'beginning', '-e', '-q'])).stdout).toBe('cert\n');
    const viaSaslPlain = {'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': 'SCRAM-SHA-256', 'sasl.username': 'carol', 'sasl.password': 'carol-256'};
    expect((await kcat(port.saslPlain, viaSaslPlain, ['-C', '-t', 'kcat-mtls', '-o', 'beginning', '-e', '-q'])).stdout).toBe('cert\n');
  });

  it('a wrong password fails at once with a clear SASL error and is logged with the peer address; the broker keeps serving', async () => {
    const r = await kcat(port.saslSsl, {...sasl('SCRAM-SHA-256', 'carol', 'wrong'), 'socket.timeout.ms': '5000'}, ['-L']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/SASL authentication error|Authentication failed/);
    const plain = await kcat(port.saslSsl, {...sasl('PLAIN', 'alice', 'nope')}, ['-L']);
    expect(plain.stderr).toMatch(/Invalid username or password/);
    await until(() => /failed authentication from 127\.0\.0\.1:\d+ \(listener SASL_SSL, SCRAM-SHA-256, user carol\)/.test(broker.output()), 'the failure in the broker log');
    expect((await kcat(port.saslSsl, sasl('PLAIN', 'alice', 'alice-secret'), ['-L'])).code).toBe(0);
  });

  it('refuses an untrusted client certificate, a missing one, and a plaintext client on a TLS port; the broker keeps serving', async () => {
    const stranger = await kcat(port.ssl, {...mtls(), 'ssl.certificate.location': certs.strangerCert, 'ssl.key.location': certs.strangerKey}, ['-L', '-m', '5']);
    expect(stranger.code).not.toBe(0);
    expect(stranger.stderr).toMatch(/SSL/);
    const noCert = await kcat(port.ssl, {'security.protocol': 'SSL', 'ssl.ca.location': certs.ca}, ['-L', '-m', '5']);
    expect(noCert.code).not.toBe(0);
    const plaintext = await kcat(port.ssl, {}, ['-L', '-m', '5']);
    expect(plaintext.code).not.toBe(0);
    // Nothing before SASL authentication but ApiVersions and the handshake: a plaintext-protocol
    // client on a SASL listener gets its connection closed.
    const unauthenticated = await kcat(port.saslPlain, {}, ['-L', '-m', '5']);
    expect(unauthenticated.code).not.toBe(0);
    await until(() => /TLS handshake with 127\.0\.0\.1:\d+ failed/.test(broker.output()), 'the TLS failure in the broker log');
    expect(broker.output()).toMatch(/api 3 sent before SASL authentication/);
    expect((await kcat(port.ssl, mtls(), ['-L'])).code).toBe(0);
  });

  it.runIf(haveConfluent)('confluent-kafka: SCRAM-SHA-512 produce and group consume, and mTLS', async () => {
    const script = `
import json, sys
from confluent_kafka import Producer, Consumer
conf = json.loads(sys.argv[1]); topic = sys.argv[2]
p = Producer(conf)
for i in range(5): p.produce(topic, ('ck %d' % i).encode())
assert p.flush(30) == 0
c = Consumer(dict(conf, **{'group.id': 'ck-group', 'auto.offset.reset': 'earliest'}))
c.subscribe([topic])
got = []
while len(got) < 5:
    m = c.poll(20)
    if m is None: break
    if m.error(): raise Exception(str(m.error()))
    got.append(m.value().decode())
c.commit(asynchronous=False)
c.close()
print(json.dumps(sorted(got)))
`;
    const confs = [
      {'bootstrap.servers': at(port.saslSsl), ...sasl('SCRAM-SHA-512', 'carol', 'carol-512')},
      {'bootstrap.servers': at(port.ssl), ...mtls()},
    ];
    for (const [i, conf] of confs.entries()) {
      const out = await runOk(PY, ['-c', script, JSON.stringify(conf), `ck-${i}`], {timeoutMs: 90_000});
      expect(JSON.parse(out)).toEqual([0, 1, 2, 3, 4].map((n) => `ck ${n}`));
    }
  }, 120_000);

  it.runIf(haveKafkaPython)('kafka-python 2.0.2: PLAIN and SCRAM-SHA-256 over SASL_SSL, produce and group consume', async () => {
    const script = `
import json, sys
from kafka import KafkaProducer, KafkaConsumer
boot, mech, user, pw, ca, topic = sys.argv[1:7]
sec = dict(bootstrap_servers=boot, security_protocol='SASL_SSL', sasl_mechanism=mech, sasl_plain_username=user, sasl_plain_password=pw, ssl_cafile=ca)
p = KafkaProducer(**sec)
for i in range(4): p.send(topic, ('kp %d' % i).encode())
p.flush()
c = KafkaConsumer(topic, group_id='kp-group', auto_offset_reset='earliest', consumer_timeout_ms=15000, **sec)
got = []
for m in c:
    got.append(m.value.decode())
    if len(got) == 4: break
c.commit()
c.close()
print(json.dumps(sorted(got)))
`;
    for (const [mechanism, user, password] of [
      ['PLAIN', 'alice', 'alice-secret'],
      ['SCRAM-SHA-256', 'carol', 'carol-256'],
    ]) {
      const out = await runOk(PY, ['-c', script, at(port.saslSsl), mechanism, user, password, certs.ca, `kp-${mechanism.toLowerCase()}`], {timeoutMs: 90_000});
      expect(JSON.parse(out)).toEqual([0, 1, 2, 3].map((n) => `kp ${n}`));
    }
  }, 120_000);

  it('kafkajs: SCRAM-SHA-256 over SASL_SSL and a client certificate over SSL, produce and group consume', async () => {
    const clients = [
      new Kafka({clientId: 'sec', brokers: [at(port.saslSsl)], ssl: {ca: [fs.readFileSync(certs.ca)]}, sasl: {mechanism: 'scram-sha-256', username: 'carol', password: 'carol-256'}, logLevel: logLevel.NOTHING}),
      new Kafka({clientId: 'sec', brokers: [at(port.ssl)], ssl: {ca: [fs.readFileSync(certs.ca)], cert: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey)}, logLevel: logLevel.NOTHING}),
    ];
    for (const [i, kafka] of clients.entries()) {
      const topic = `kjs-${i}`;
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({topic, messages: [{value: 'a'}, {value: 'b'}]});
      await producer.disconnect();
      const consumer = kafka.consumer({groupId: `kjs-group-${i}`});
      await consumer.connect();
      await consumer.subscribe({topic, fromBeginning: true});
      const got: string[] = [];
      await consumer.run({eachMessage: async ({message}) => void got.push(message.value!.toString())});
      await until(() => got.length === 2, 'kafkajs to consume both records');
      await consumer.disconnect();
      expect(got.sort()).toEqual(['a', 'b']);
    }
    const wrong = new Kafka({clientId: 'sec', brokers: [at(port.saslSsl)], ssl: {ca: [fs.readFileSync(certs.ca)]}, sasl: {mechanism: 'scram-sha-512', username: 'carol', password: 'bad'}, logLevel: logLevel.NOTHING, retry: {retries: 0}});
    const admin = wrong.admin();
    await expect(admin.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed|SASL_AUTHENTICATION_FAILED|Authentication failed/);
  }, 120_000);

  it('reloads the certificates on SIGHUP without a restart', async () => {
    const subjectOf = () =>
      new Promise<string>((resolve, reject) => {
        const s = tls.connect({host: '127.0.0.1', port: port.saslSsl, ca: fs.readFileSync(certs.ca), servername: 'localhost'}, () => {
          resolve(s.getPeerX509Certificate()!.subject);
          s.destroy();
        });
        s.on('error', reject);
      });
    expect(await subjectOf()).toBe('CN=localhost');
    const next = await makeCerts(tempDir('rotated'), 'localhost-rotated');
    // Same CA file path, new CA and keystore: both files are re-read.
    fs.copyFileSync(next.ca, certs.ca);
    fs.copyFileSync(next.keystore, certs.keystore);
    broker.proc.kill('SIGHUP');
    await until(async () => (await subjectOf().catch(() => '')) === 'CN=localhost-rotated', 'the rotated certificate');
    // The log line reaches us through a pipe, possibly after the first handshake with the new certificate.
    await until(() => /reloaded TLS certificates/.test(broker.output()), 'the reload to be logged');
    certs = {...certs, clientCert: next.clientCert, clientKey: next.clientKey};
    expect((await kcat(port.ssl, mtls(), ['-L'])).code).toBe(0);
  }, 120_000);
});
