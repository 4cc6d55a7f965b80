import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseClientConfig, type ClientProperty} from '../../src/client/client-config.js';
import {refuseSettingsBesidesServers} from '../../src/client/client-settings.js';
import {kafkajsSecurity} from '../../src/client/kafka.js';
import {tempDir} from '../helpers/broker.js';

const props = (entries: Record<string, string>, where = '-X'): ClientProperty[] => Object.entries(entries).map(([key, value]) => ({key, value, where}));
const parse = (entries: Record<string, string>) => parseClientConfig(props(entries)).config;

describe('client config (librdkafka/Java property names)', () => {
  it('is PLAINTEXT without properties', () => {
    expect(parse({})).toEqual({securityProtocol: 'PLAINTEXT'});
  });

  it('names an unknown key, and the known one it resembles', () => {
    expect(() => parse({'sasl.usernme': 'a'})).toThrow(/-X: unknown client property "sasl.usernme"/);
    expect(() => parse({'security_protocol': 'SSL'})).toThrow(/did you mean security.protocol\?/);
  });

  it('accepts and reports client properties that do not change how kcollect connects', () => {
    expect(parseClientConfig(props({'client.id': 'x', 'socket.timeout.ms': '1000'})).ignored).toEqual(['client.id', 'socket.timeout.ms']);
    // kcat habits: librdkafka's debug output and metadata refresh are not errors.
    expect(parseClientConfig(props({debug: 'broker,protocol', 'topic.metadata.refresh.interval.ms': '1000'})).ignored).toEqual(['debug', 'topic.metadata.refresh.interval.ms']);
  });

  it('takes request.timeout.ms, the bound on every request of the connection, as a positive number of milliseconds', () => {
    expect(parse({'request.timeout.ms': '1500'}).requestTimeoutMs).toBe(1500);
    expect(parse({}).requestTimeoutMs).toBeUndefined();
    expect(() => parse({'request.timeout.ms': '0'})).toThrow(/request.timeout.ms "0" is not a positive number of milliseconds/);
    expect(() => parse({'request.timeout.ms': '30s'})).toThrow(/is not a positive number of milliseconds/);
  });

  it('takes the username and password from a JAAS line of PlainLoginModule or ScramLoginModule', () => {
    const c = parse({
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="p\\"w;d";',
    });
    expect(c.sasl).toEqual({mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'p"w;d'});
    expect(parse({'security.protocol': 'sasl_plaintext', 'sasl.mechanisms': 'PLAIN', 'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username=bob password=secret;'}).sasl).toEqual({
      mechanism: 'PLAIN',
      username: 'bob',
      password: 'secret',
    });
    expect(() => parse({'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="b";'})).toThrow(/ScramLoginModule does not log in with sasl.mechanism PLAIN/);
  });

  it('refuses what it cannot do, naming the key', () => {
    expect(() => parse({'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'GSSAPI'})).toThrow(/sasl.mechanism "GSSAPI" is not supported/);
    expect(() => parse({'security.protocol': 'SASL_SSL'})).toThrow(/needs sasl.mechanism/);
    expect(() => parse({'security.protocol': 'SSL', 'ssl.truststore.type': 'JKS'})).toThrow(/ssl.truststore.type "JKS" is not supported: kcollect reads PEM files only/);
    expect(() => parse({'security.protocol': 'TLS'})).toThrow(/security.protocol "TLS" is not one of/);
    expect(() => parse({'sasl.username': 'a'})).toThrow(/sasl.username is set but security.protocol is PLAINTEXT/);
    expect(() => parse({'security.protocol': 'SSL', 'ssl.ca.location': '/nonexistent/ca.pem'})).toThrow(/ssl.ca.location: cannot read \/nonexistent\/ca.pem \(ENOENT\)/);
  });

  it('never puts a secret into an error message', () => {
    const secret = 'hunter2-very-secret';
    const attempts: Array<Record<string, string>> = [
      {'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN', 'sasl.password': secret},
      {'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="${secret}" bogus`},
      {'sasl.password': secret},
    ];
    for (const a of attempts) {
      let message = '';
      try {
        parse(a);
      } catch (err) {
        message = `${(err as Error).message} ${(err as {hint?: string}).hint ?? ''}`;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(secret);
    }
  });

  it('reads secrets from ${env:NAME}, ${NAME} and ${file:PATH}, and PEM files for TLS', () => {
    const dir = tempDir('client-config');
    fs.writeFileSync(path.join(dir, 'pw'), 's3cret\n');
    fs.writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n');
    process.env.KCOLLECT_TEST_SASL_USER = 'carol';
    const c = parse({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-256',
      'sasl.username': '${env:KCOLLECT_TEST_SASL_USER}',
      'sasl.password': `\${file:${path.join(dir, 'pw')}}`,
      'ssl.truststore.location': path.join(dir, 'ca.pem'),
      'ssl.endpoint.identification.algorithm': '',
    });
    expect(c.sasl).toEqual({mechanism: 'SCRAM-SHA-256', username: 'carol', password: 's3cret'});
    expect(c.tls).toEqual({ca: fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8'), verifyHostname: false, verifyCertificate: true});
    expect(() => parse({'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'a', 'sasl.password': '${KCOLLECT_TEST_UNSET_VAR}'})).toThrow(/sasl.password: environment variable KCOLLECT_TEST_UNSET_VAR is not set/);
  });

  it('a later property wins (-X over --command-config)', () => {
    const c = parseClientConfig([...props({'security.protocol': 'SSL'}, 'client.properties:1'), ...props({'security.protocol': 'PLAINTEXT'})]).config;
    expect(c.securityProtocol).toBe('PLAINTEXT');
  });

  it('reads producer and consumer settings under their Java and librdkafka names', () => {
    const settings = (entries: Record<string, string>) => parseClientConfig(props(entries)).settings;
    expect(settings({'bootstrap.servers': 'a:9092, b:9092', acks: 'all', 'compression.type': 'LZ4', 'enable.idempotence': 'false', 'linger.ms': '10', 'group.id': 'g', 'auto.offset.reset': 'latest'})).toEqual({
      bootstrapServers: ['a:9092', 'b:9092'],
      acks: 'all',
      compression: 'lz4',
      idempotent: false,
      lingerMs: 10,
      groupId: 'g',
      offsetReset: 'end',
    });
    expect(settings({'metadata.broker.list': 'k:1', 'request.required.acks': '-1', 'compression.codec': 'zstd', 'queue.buffering.max.ms': '0', 'auto.offset.reset': 'smallest'})).toEqual({
      bootstrapServers: ['k:1'],
      acks: '-1',
      compression: 'zstd',
      lingerMs: 0,
      offsetReset: 'beginning',
    });
    expect(() => settings({'compression.type': 'brotli'})).toThrow(/-X: compression.type "brotli" is not one of none, gzip, snappy, lz4, zstd/);
    expect(() => settings({'linger.ms': 'soon'})).toThrow(/-X: linger.ms "soon" is not a number of milliseconds/);
    expect(() => settings({'acks ': '1', 'ack': '1'})).toThrow(/unknown client property "ack" \(did you mean acks\?\)/);
  });

  it('refuses producer settings where only connections are made (an agent file), but not the brokers', () => {
    expect(() => refuseSettingsBesidesServers(props({'bootstrap.servers': 'a:1', 'security.protocol': 'SSL'}), 'use the sink')).not.toThrow();
    expect(() => refuseSettingsBesidesServers(props({acks: '1'}, 'agent.yaml: properties'), 'use the sink')).toThrow(/agent.yaml: properties: acks does not apply/);
  });

  it('maps to kafkajs ssl and sasl options', () => {
    const c = parse({'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.username': 'u', 'sasl.password': 'p', 'ssl.endpoint.identification.algorithm': 'none'});
    const k = kafkajsSecurity(c);
    expect(k.sasl).toEqual({mechanism: 'scram-sha-256', username: 'u', password: 'p'});
    expect(k.ssl).toMatchObject({rejectUnauthorized: true, minVersion: 'TLSv1.2'});
    expect(typeof (k.ssl as {checkServerIdentity?: unknown}).checkServerIdentity).toBe('function');
    expect(kafkajsSecurity(parse({}))).toEqual({});
  });
});
