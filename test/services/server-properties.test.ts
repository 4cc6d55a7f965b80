import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {readServerProperties} from '../../src/services/server-properties.js';
import {tempDir} from '../helpers/broker.js';

/** Kafka's server.properties read into broker options; what cannot be honoured is named and refused. */

function load(text: string) {
  const dir = tempDir('props');
  fs.writeFileSync(path.join(dir, 'ca.pem'), 'x');
  const file = path.join(dir, 'server.properties');
  fs.writeFileSync(file, text);
  return {dir, file, read: () => readServerProperties(file)};
}

const refusal = (text: string): string => {
  try {
    load(text).read();
  } catch (err) {
    return `${(err as Error).message} | ${(err as {hint?: string}).hint}`;
  }
  throw new Error('accepted');
};

describe('server.properties', () => {
  it("reads Kafka's stock single-broker file, topic defaults and several listeners", () => {
    const {dir, read} = load(
      [
        'broker.id=3',
        'log.dirs=data',
        'num.network.threads=3',
        'socket.send.buffer.bytes=102400',
        'num.partitions=4',
        'default.replication.factor=1',
        'auto.create.topics.enable=false',
        'offsets.topic.replication.factor=1',
        'log.retention.hours=168',
        'zookeeper.connect=127.0.0.1:2999/kc',
        'group.initial.rebalance.delay.ms=0',
        'listeners=INTERNAL://127.0.0.1:19092,EXTERNAL://:19093,SECURE://127.0.0.1:19094',
        'advertised.listeners=EXTERNAL://kafka.example:9093',
        'listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:SASL_PLAINTEXT,SECURE:SSL',
        'inter.broker.listener.name=INTERNAL',
        'sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN',
        'listener.name.external.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\',
        '    username="admin" password="admin-secret" user_admin="admin-secret" user_alice="a l\\\\"ice";',
        'ssl.keystore.type=PEM',
        'ssl.keystore.location=ca.pem',
        'ssl.truststore.location=ca.pem',
        'listener.name.secure.ssl.client.auth=required',
        'ssl.cipher.suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384',
        'authorizer.class.name=kafka.security.authorizer.AclAuthorizer',
        'super.users=User:admin;User:CN=broker',
      ].join('\n'),
    );
    const {options, zookeeper, noEffect} = read();
    expect(options).toMatchObject({nodeId: 3, dataDir: path.join(dir, 'data'), numPartitions: 4, autoCreateTopics: false, groupInitialRebalanceDelayMs: 0, interBrokerListener: 'INTERNAL'});
    expect(zookeeper).toBe('127.0.0.1:2999/kc');
    expect(noEffect).toEqual(['num.network.threads', 'socket.send.buffer.bytes']);
    const [internal, external, secure] = options.listeners!;
    expect(internal).toMatchObject({name: 'INTERNAL', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 19092});
    expect(internal.tls).toBeUndefined();
    // An empty host stays on loopback; the advertised address is the one clients get.
    expect(external).toMatchObject({name: 'EXTERNAL', securityProtocol: 'SASL_PLAINTEXT', host: '127.0.0.1', port: 19093, advertisedHost: 'kafka.example', advertisedPort: 9093});
    expect(external.sasl).toEqual({mechanisms: ['SCRAM-SHA-512', 'PLAIN'], plainUsers: {admin: 'admin-secret', alice: 'a l"ice'}});
    expect(secure.tls).toMatchObject({keystoreLocation: path.join(dir, 'ca.pem'), clientAuth: 'required', enabledProtocols: ['TLSv1.2', 'TLSv1.3'], cipherSuites: ['ECDHE-RSA-AES128-GCM-SHA256', 'TLS_AES_256_GCM_SHA384']});
    expect(options.authorizer).toEqual({enabled: true, superUsers: ['User:admin', 'User:CN=broker'], allowEveryoneIfNoAclFound: false});
  });

  it("takes Kafka's topic defaults (log.retention.*, log.segment.bytes, message.max.bytes, compression.type, ...) and keeps every key as given", () => {
    const {read} = load(['log.retention.hours=24', 'log.segment.bytes=10485760', 'message.max.bytes=2000000', 'compression.type=gzip', 'log.retention.check.interval.ms=1000', 'log.preallocate=true', 'num.io.threads=8'].join('\n'));
    const {options, noEffect} = read();
    expect(options.staticConfig).toEqual({
      'log.retention.hours': '24',
      'log.segment.bytes': '10485760',
      'message.max.bytes': '2000000',
      'compression.type': 'gzip',
      'log.retention.check.interval.ms': '1000',
      'log.preallocate': 'true',
      'num.io.threads': '8',
    });
    expect(options.logRetentionCheckIntervalMs).toBe(1000);
    expect(noEffect).toEqual(['log.preallocate', 'num.io.threads']);
  });

  it('names each key it cannot honour, with the fix', () => {
    expect(refusal('log.cleaner.threads=2')).toMatch(/log\.cleaner\.threads is not supported .*\| remove log\.cleaner\.threads/);
    expect(refusal('log.retention.hours=a day')).toMatch(/server\.properties: invalid value "a day" for log\.retention\.hours \(the broker default of topic config retention\.ms\).*\| use a whole number.*in .*server\.properties/);
    expect(refusal('message.max.bytes=-1')).toMatch(/message\.max\.bytes.*between 0/);
    expect(refusal('compression.type=brotli')).toMatch(/compression\.type/);
    expect(refusal('log.dirs=/a,/b')).toMatch(/exactly one directory/);
    expect(refusal('listeners=SSL://127.0.0.1:1\nssl.keystore.type=JKS\nssl.keystore.location=ca.pem')).toMatch(/ssl\.keystore\.type=JKS: only PEM/);
    expect(refusal('listeners=SSL://127.0.0.1:1')).toMatch(/ssl\.keystore\.location is not set/);
    expect(refusal('listeners=SSL://127.0.0.1:1\nssl.keystore.location=ca.pem\nssl.enabled.protocols=TLSv1.1')).toMatch(/names TLSv1\.1 \| only TLSv1\.2 and TLSv1\.3/);
    expect(refusal('listeners=SSL://127.0.0.1:1\nssl.keystore.location=ca.pem\nssl.client.auth=required')).toMatch(/needs ssl\.truststore\.location/);
    expect(refusal('listeners=SSL://127.0.0.1:1\nssl.keystore.location=ca.pem\nssl.cipher.suites=TLS_RSA_WITH_NULL_SHA')).toMatch(/ssl\.cipher\.suites names TLS_RSA_WITH_NULL_SHA/);
    expect(refusal('listeners=SASL_SSL://127.0.0.1:1\nssl.keystore.location=ca.pem')).toMatch(/sasl\.enabled\.mechanisms is not set.*GSSAPI/);
    expect(refusal('listeners=SASL_PLAINTEXT://127.0.0.1:1\nsasl.enabled.mechanisms=GSSAPI')).toMatch(/names GSSAPI/);
    expect(refusal('listeners=SASL_PLAINTEXT://127.0.0.1:1\nsasl.enabled.mechanisms=PLAIN')).toMatch(/enables PLAIN but has no listener\.name\.sasl_plaintext\.plain\.sasl\.jaas\.config/);
    expect(refusal('listeners=EXT://127.0.0.1:1')).toMatch(/listener EXT has no entry in listener\.security\.protocol\.map/);
    expect(refusal('listeners=PLAINTEXT://127.0.0.1:1\ninter.broker.listener.name=INTERNAL')).toMatch(/inter\.broker\.listener\.name=INTERNAL is not one of the listeners/);
    expect(refusal('listeners=PLAINTEXT://127.0.0.1:1\nlistener.name.other.ssl.client.auth=none')).toMatch(/listeners has no OTHER/);
    expect(refusal('authorizer.class.name=kafka.security.authorizer.Other')).toMatch(/authorizer\.class\.name=kafka\.security\.authorizer\.Other is not supported/);
    expect(refusal('ssl.principal.mapping.rules=RULE:^CN=(.*)$/$1/')).toMatch(/ssl\.principal\.mapping\.rules=.*DEFAULT/);
  });
});
