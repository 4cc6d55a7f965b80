import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadTopology, parseTopology} from '../../src/topology/cluster-topology.js';
import {ROOT, tempDir} from '../helpers/broker.js';
import {expectUserError, runCli, runCliJson} from '../helpers/cli.js';

const shipped = fs.readdirSync(path.join(ROOT, 'topology')).filter((f) => f.endsWith('.yaml'));

describe('topology files', () => {
  it('ships the three topologies, all valid', () => {
    expect(shipped.sort()).toEqual(expect.arrayContaining(['multi-broker-multi-node.yaml', 'multi-broker-single-node.yaml', 'single-broker.yaml']));
    const single = loadTopology(path.join(ROOT, 'topology/single-broker.yaml'));
    expect(single.brokers).toHaveLength(1);
    const node = loadTopology(path.join(ROOT, 'topology/multi-broker-single-node.yaml'));
    expect(node.zookeeper?.ensemble).toBe(1);
    expect(new Set(node.brokers.map((b) => b.port)).size).toBe(3);
    const nodes = loadTopology(path.join(ROOT, 'topology/multi-broker-multi-node.yaml'));
    expect(nodes.zookeeper).toMatchObject({ensemble: 3, hosts: ['127.0.0.2', '127.0.0.3', '127.0.0.4']});
    expect(nodes.brokers.map((b) => b.host)).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
  });

  it('names the file, line and key of a mistake, and how to fix it', () => {
    const text = ['type: multi-broker-single-node', 'zookeeper:', '  prot: 2181', 'brokers:', '  - {id: 1, port: 9092}', '  - {id: 1, port: 9093}'].join('\n');
    expect(() => parseTopology(text, 'my.yaml')).toThrow(/^my\.yaml:3: zookeeper\.prot: unknown key "prot" \(did you mean port\?\)/);
    expect(() => parseTopology(text, 'my.yaml')).toThrow(/my\.yaml:6: brokers\[1\]\.id: broker id 1 is used twice/);
    expect(() => parseTopology('type: three-brokers\nbrokers: []', 'x.yaml')).toThrow(/x\.yaml:1: type: type must be one of single-broker, multi-broker-single-node, multi-broker-multi-node/);
    expect(() => parseTopology('type: multi-broker-multi-node\nzookeeper: {}\nbrokers:\n  - {id: 1, host: 127.0.0.2, port: 9092}\n  - {id: 2, host: 127.0.0.2, port: 9093}\n', 'x.yaml')).toThrow(/brokers: on several nodes every broker has its own host/);
    expect(() => parseTopology('type: single-broker\nbrokers:\n  - {id: 0, port: 9092, host: localhost}\n', 'x.yaml')).toThrow(/x\.yaml:3: brokers\[0\]\.host: must be an IPv4 address/);
  });

  it('reads security: and names a bad security key with its fix', () => {
    const secure = loadTopology(path.join(ROOT, 'topology/multi-broker-single-node-secure.yaml'));
    expect(secure.security).toEqual({protocol: 'SASL_SSL', sasl: {mechanism: 'SCRAM-SHA-256', users: [{name: 'admin', passwordFile: '.kcollect/cluster/admin.password'}]}, tls: {dir: '.kcollect/cluster/certs', clientAuth: 'none'}});
    const base = ['type: multi-broker-single-node', 'zookeeper: {}', 'brokers:', '  - {id: 1, port: 9092}', '  - {id: 2, port: 9093}'];
    const withSecurity = (...lines: string[]) => [...base, 'security:', ...lines].join('\n');
    expect(() => parseTopology(withSecurity('  protocol: SASL_SSL', '  sasl: {mechanism: SCRAM-SHA-256, users: [{name: a, password: x}]}', '  tls: {clientauth: required}'), 'x.yaml')).toThrow(/x\.yaml:9: security\.tls\.clientauth: unknown key "clientauth"/);
    expect(() => parseTopology(withSecurity('  protocol: SASL_SSL'), 'x.yaml')).toThrow(/security\.sasl: a SASL_ protocol needs sasl:/);
    expect(() => parseTopology(withSecurity('  protocol: TLS'), 'x.yaml')).toThrow(/security\.protocol: must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/);
    expect(() => parseTopology(withSecurity('  protocol: SASL_SSL', '  sasl: {mechanism: SCRAM-SHA-1, users: [{name: a, password: x}]}'), 'x.yaml')).toThrow(/security\.sasl\.mechanism: must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512/);
    expect(() => parseTopology(withSecurity('  protocol: SASL_SSL', '  sasl: {mechanism: PLAIN, users: [{name: a}]}'), 'x.yaml')).toThrow(/security\.sasl\.users\[0\]: user a needs exactly one of password or passwordFile/);
    expect(() => parseTopology(withSecurity('  protocol: SSL', '  interBrokerProtocol: PLAINTEXT'), 'x.yaml')).toThrow(/brokers\[0\]\.security\.internalPort: interBrokerProtocol PLAINTEXT differs from protocol SSL, so each broker needs an internal listener/);
    const internal = parseTopology(['type: multi-broker-single-node', 'zookeeper: {}', 'brokers:', '  - {id: 1, port: 9092, security: {internalPort: 9192}}', '  - {id: 2, port: 9093, security: {internalPort: 9193, keystore: b2.pem}}', 'security: {protocol: SSL, interBrokerProtocol: PLAINTEXT}'].join('\n'), 'x.yaml');
    expect(internal.brokers[1].security).toEqual({internalPort: 9193, keystore: 'b2.pem'});
    expect(() => parseTopology([...base.slice(0, 3), '  - {id: 1, port: 9092, security: {internalPort: 9192}}', base[4]].join('\n'), 'x.yaml')).toThrow(/brokers\[0\]\.security: a broker's security: needs a security: section at the top/);
  });

  it('`kcollect topology validate` accepts a good file and rejects a bad one with a hint', async () => {
    const ok = await runCliJson(['topology', 'validate', 'topology/multi-broker-multi-node.yaml']);
    expect(ok).toMatchObject({valid: true, type: 'multi-broker-multi-node', brokers: 3, zookeeper: 3});
    const dir = tempDir('topology');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'type: single-broker\nbrokers:\n  - {id: 0, port: 9092, data_dir: x}\n');
    expectUserError(await runCli(['topology', 'validate', path.join(dir, 'bad.yaml')]), 'bad.yaml:3: brokers[0].data_dir: unknown key "data_dir"', 'per broker: id, host, port, dataDir');
  });
});

describe('every shipped topology and agent file', () => {
  const files = [...fs.readdirSync('topology').filter((f) => f.endsWith('.yaml')).map((f) => `topology/${f}`), ...fs.readdirSync('topology/agents').map((f) => `topology/agents/${f}`)];
  it.each(files)('%s passes `kcollect topology validate`', async (file) => {
    const r = await runCliJson(['topology', 'validate', file]);
    expect(r).toMatchObject({file, valid: true, kind: file.includes('/agents/') ? 'agent' : 'topology'});
  });
});
