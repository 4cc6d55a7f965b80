import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {freePort} from '../../src/lib/ports.js';
import {startBroker} from '../../src/services/broker-service.js';
import {readServerProperties} from '../../src/services/server-properties.js';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {haveOpenssl, makeCerts, type TestCerts} from '../helpers/certs.js';
import {run} from '../helpers/run.js';
import {hasCommand, requireTool} from '../helpers/system-deps.js';
import {identicalReplicas} from '../helpers/topology.js';
import {eventually, useStandaloneZookeeper} from '../zk/helpers.js';

const ready = requireTool('zookeeper', zookeeperInstalled()) && requireTool('kcat', hasCommand('kcat')) && haveOpenssl();

/**
 * Three brokers whose only listener is SASL_SSL with client certificates required: they
 * replicate and write transaction markers to each other over it, with their own keystore as the
 * client certificate and PLAIN as sasl.mechanism.inter.broker.protocol, as Kafka brokers do.
 */
describe.runIf(ready)('replication over SASL_SSL with mutual TLS', () => {
  const zkServer = useStandaloneZookeeper('secure-replication');
  const brokers: Broker[] = [];
  const ports: number[] = [];
  const dataDirs: string[] = [];
  let certs: TestCerts;

  beforeAll(async () => {
    certs = await makeCerts(tempDir('secure-replication-certs'));
    for (const id of [1, 2, 3]) {
      const port = await freePort();
      const dir = tempDir(`secure-replication-${id}`);
      const file = path.join(dir, 'server.properties');
      fs.writeFileSync(
        file,
        [
          `broker.id=${id}`,
          `log.dirs=${path.join(dir, 'data')}`,
          `listeners=SASL_SSL://127.0.0.1:${port}`,
          'inter.broker.listener.name=SASL_SSL',
          'sasl.enabled.mechanisms=PLAIN',
          'sasl.mechanism.inter.broker.protocol=PLAIN',
          'listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="broker-secret" user_broker="broker-secret" user_alice="alice-secret";',
          'ssl.keystore.type=PEM',
          `ssl.keystore.location=${certs.keystore}`,
          `ssl.key.password=${certs.keyPassword}`,
          'ssl.truststore.type=PEM',
          `ssl.truststore.location=${certs.ca}`,
          'ssl.client.auth=required',
          'offsets.topic.num.partitions=3',
          'transaction.state.log.num.partitions=3',
          'group.initial.rebalance.delay.ms=0',
        ].join('\n'),
      );
      const {options} = readServerProperties(file);
      ports.push(port);
      dataDirs.push(options.dataDir!);
      brokers.push(await startBroker({...options, log: () => {}}, `${zkServer.cs}/secure`));
    }
  }, 120_000);
  afterAll(async () => {
    for (const b of brokers) await b.close();
  });

  const kcat = (args: string[], input?: string) =>
    run(
      'kcat',
      ['-b', ports.map((p) => `127.0.0.1:${p}`).join(','), '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', 'sasl.password=alice-secret', '-X', `ssl.ca.location=${certs.ca}`, '-X', `ssl.certificate.location=${certs.clientCert}`, '-X', `ssl.key.location=${certs.clientKey}`, ...args],
      {input, timeoutMs: 60_000},
    );

  it('acks=all writes reach every replica identically, and a transaction commits across brokers', async () => {
    // Three replicas need all three brokers in broker 0's view of the cluster.
    await eventually(async () => {
      if (brokers[0].cluster!.liveBrokers().length < 3) throw new Error('not every broker registered yet');
    });
    await brokers[0].createTopic('secure', 1, {'min.insync.replicas': '3'}, 3);
    const lines = Array.from({length: 200}, (_, i) => `car-${i}`);
    await eventually(async () => {
      const r = await kcat(['-P', '-t', 'secure', '-p', '0', '-X', 'acks=all'], lines.slice(0, 1).join('\n') + '\n');
      if (r.code !== 0) throw new Error(r.stderr);
    }, 45_000);
    const rest = await kcat(['-P', '-t', 'secure', '-p', '0', '-X', 'acks=all'], lines.slice(1).join('\n') + '\n');
    expect(rest.code, rest.stderr).toBe(0);
    await identicalReplicas(dataDirs, 'secure', 0);
    const read = await kcat(['-C', '-t', 'secure', '-p', '0', '-o', 'beginning', '-e', '-q']);
    expect(read.stdout.trim().split('\n')).toEqual(lines);

    // Its markers go from the transaction coordinator to the partitions' leaders over the same listener.
    await brokers[0].createTopic('secure-txn', 3, {}, 3);
    const txn = await kcat(['-P', '-t', 'secure-txn', '-X', 'transactional.id=secure-1'], 'a\nb\nc\nd\ne\nf\n');
    expect(txn.code, txn.stderr).toBe(0);
    const committed = await kcat(['-C', '-t', 'secure-txn', '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed']);
    expect(committed.stdout.trim().split('\n').sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  }, 180_000);
});
