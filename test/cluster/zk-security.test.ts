import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {freePort} from '../../src/lib/ports.js';
import {startBroker} from '../../src/services/broker-service.js';
import {ZkClient} from '../../src/zk/client.js';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {runCli} from '../helpers/cli.js';
import {run} from '../helpers/run.js';
import {hasCommand, requireTool} from '../helpers/system-deps.js';
import {eventually, useStandaloneZookeeper} from '../zk/helpers.js';

/**
 * On a cluster, SCRAM users and ACLs live in ZooKeeper as Kafka 2.x keeps them
 * (/config/users/<name>, /kafka-acl/<Type>/<name>): made through one broker, they hold on all.
 */

const ready = requireTool('zookeeper', zookeeperInstalled()) && requireTool('kcat', hasCommand('kcat'));

describe.runIf(ready)('SCRAM users and ACLs in ZooKeeper, shared by every broker', () => {
  const zkServer = useStandaloneZookeeper('zk-security');
  const brokers: Broker[] = [];
  const ports: Array<{plain: number; sasl: number}> = [];
  let zk: ZkClient;

  beforeAll(async () => {
    const cs = `${zkServer.cs}/sec`;
    for (const id of [0, 1]) {
      const p = {plain: await freePort(), sasl: await freePort()};
      ports.push(p);
      brokers.push(
        await startBroker(
          {
            nodeId: id,
            dataDir: tempDir(`zk-sec-${id}`),
            groupInitialRebalanceDelayMs: 0,
            log: () => {},
            listeners: [
              {name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: p.plain},
              {name: 'SASL_PLAINTEXT', securityProtocol: 'SASL_PLAINTEXT', host: '127.0.0.1', port: p.sasl, sasl: {mechanisms: ['SCRAM-SHA-256'], plainUsers: {}}},
            ],
            interBrokerListener: 'PLAINTEXT',
            authorizer: {enabled: true, superUsers: ['User:ANONYMOUS'], allowEveryoneIfNoAclFound: false},
          },
          cs,
        ),
      );
    }
    zk = await ZkClient.connect(cs);
  }, 90_000);
  afterAll(async () => {
    for (const b of brokers) await b.close();
    await zk?.close();
  });

  const kcatAs = (broker: number, password: string, args: string[], input?: string) =>
    run('kcat', ['-b', `127.0.0.1:${ports[broker].sasl}`, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-256', '-X', 'sasl.username=erin', '-X', `sasl.password=${password}`, ...args], {input, timeoutMs: 60_000});

  it('a user and an ACL made through broker 0 authenticate and authorize on broker 1', async () => {
    const created = await runCli(['user', 'create', 'erin', '--password', 'erin-pw', '-b', `127.0.0.1:${ports[0].plain}`]);
    expect(created.stderr).toBe('');
    const node = JSON.parse((await zk.get('/config/users/erin')).data.toString());
    expect(node).toMatchObject({version: 1, config: {'SCRAM-SHA-256': expect.stringMatching(/^salt=.+,stored_key=.+,server_key=.+,iterations=4096$/)}});

    expect((await runCli(['acl', 'create', '--allow-principal', 'User:erin', '--operation', 'Write', '--operation', 'Read', '--topic', 'fleet', '-b', `127.0.0.1:${ports[0].plain}`])).stderr).toBe('');
    expect(JSON.parse((await zk.get('/kafka-acl/Topic/fleet')).data.toString())).toEqual({
      version: 1,
      acls: [
        {principal: 'User:erin', permissionType: 'Allow', operation: 'Write', host: '*'},
        {principal: 'User:erin', permissionType: 'Allow', operation: 'Read', host: '*'},
      ],
    });
    await brokers[0].createTopic('fleet', 1, {}, 1, [[1]]);
    // Broker 1 leads the partition: it must know erin and her ACL from ZooKeeper.
    await eventually(async () => {
      const r = await kcatAs(1, 'erin-pw', ['-P', '-t', 'fleet', '-p', '0'], 'car\n');
      if (r.code !== 0) throw new Error(r.stderr);
    });
    expect((await kcatAs(1, 'erin-pw', ['-C', '-t', 'fleet', '-o', 'beginning', '-e', '-q'])).stdout).toBe('car\n');
    expect((await kcatAs(1, 'wrong', ['-L'])).stderr).toMatch(/Authentication failed|SASL authentication error/);

    // A deletion through broker 1 reaches broker 0.
    expect((await runCli(['acl', 'delete', '--topic', 'fleet', '-b', `127.0.0.1:${ports[1].plain}`])).stderr).toBe('');
    expect(await zk.exists('/kafka-acl/Topic/fleet')).toBeNull();
    await eventually(async () => {
      const r = await kcatAs(0, 'erin-pw', ['-L', '-t', 'fleet', '-J']);
      if (!/Topic authorization failed|"err":"Broker: Topic authorization failed"/i.test(r.stdout + r.stderr)) throw new Error(r.stdout + r.stderr);
    });
  }, 120_000);
});
