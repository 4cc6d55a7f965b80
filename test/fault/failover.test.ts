import kafkajs from 'kafkajs';
import {afterAll, describe, expect, it} from 'vitest';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {runCli, runCliJson} from '../helpers/cli.js';
import {requireTool} from '../helpers/system-deps.js';
import {readNumbers, writeTopology} from '../helpers/topology.js';
import {eventually} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());

for (const kind of ['multi-broker-single-node', 'multi-broker-multi-node'] as const) {
  describe.runIf(haveZk)(`failover on ${kind}`, () => {
    const cwd = tempDir(`failover-${kind}`);
    const cli = (args: string[]) => runCli(args, {cwd, timeoutMs: 120_000});
    const cliJson = (args: string[]) => runCliJson(args, {cwd, timeoutMs: 120_000});
    afterAll(async () => {
      await cli(['cluster', 'down', '--purge']);
    });

    it('a leader killed and restarted under an acks=all idempotent producer loses and duplicates nothing; a new controller still creates topics', async () => {
      const up = await cliJson(['cluster', 'up', await writeTopology(cwd, kind), '--detach']);
      expect(up.nodes.filter((n: {kind: string}) => n.kind === 'broker')).toHaveLength(3);
      const kafka = new Kafka({clientId: 'failover', brokers: up.brokers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 30, initialRetryTime: 200, maxRetryTime: 2000}});
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({topics: [{topic: 'seq', numPartitions: 1, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
      const leaderOf = async () => {
        const md = await admin.fetchTopicMetadata({topics: ['seq']});
        return md.topics[0].partitions[0].leader;
      };

      // A consumer group reads while everything happens.
      const groupSeen: number[] = [];
      const group = kafka.consumer({groupId: 'failover-group', sessionTimeout: 10_000, heartbeatInterval: 1000});
      await group.connect();
      await group.subscribe({topic: 'seq', fromBeginning: true});
      await group.run({eachMessage: async ({message}) => void groupSeen.push(Number(message.value!.toString()))});

      const producer = kafka.producer({idempotent: true, maxInFlightRequests: 1});
      await producer.connect();
      const acked: number[] = [];
      let stop = false;
      const sending = (async () => {
        for (let n = 0; !stop; n++) {
          await producer.send({topic: 'seq', acks: -1, messages: [{value: String(n)}]});
          acked.push(n);
        }
      })();
      const ackedAtLeast = (n: number) =>
        eventually(async () => {
          if (acked.length < n) throw new Error(`${acked.length} acknowledged`);
        }, 90_000);
      await ackedAtLeast(50);
      const leader = await leaderOf();
      // The kill lands while sends are under way; they go on once a new leader is elected.
      expect((await cli(['cluster', 'kill', String(leader)])).code).toBe(0);
      const killedAt = acked.length;
      await eventually(async () => {
        if ((await leaderOf()) === leader) throw new Error('no new leader yet');
      }, 60_000);
      await ackedAtLeast(killedAt + 50);
      expect((await cli(['cluster', 'restart', String(leader)])).code).toBe(0);
      await ackedAtLeast(acked.length + 100);
      stop = true;
      await sending;
      await producer.disconnect();

      // Every acknowledged number exactly once, in order (from the start of the partition to its end).
      expect(await readNumbers(kafka, admin, 'seq', 'failover-check')).toEqual(acked);

      // The group that read throughout has everything too (at least once: a coordinator move may replay).
      await eventually(async () => {
        const missing = acked.filter((n) => !groupSeen.includes(n));
        if (missing.length > 0) throw new Error(`group still misses ${missing.length}: ${missing.slice(0, 5)}`);
      }, 60_000);
      await group.disconnect();

      // The restarted broker caught up and is back in the ISR.
      await eventually(async () => {
        const s = await cliJson(['cluster', 'status']);
        if (s.underReplicated.length > 0 || s.offline.length > 0) throw new Error(JSON.stringify(s.underReplicated));
      }, 60_000);

      // Kill the controller: another broker takes over and topic creation still works.
      const controller = (await cliJson(['cluster', 'status'])).controller;
      expect(controller).toBeGreaterThan(0);
      expect((await cli(['cluster', 'kill', String(controller)])).code).toBe(0);
      await eventually(async () => {
        const s = await cliJson(['cluster', 'status']);
        if (s.controller === controller || s.controller === null || s.controller < 0) throw new Error(`controller still ${s.controller}`);
      }, 60_000);
      await admin.disconnect();
      const admin2 = new Kafka({clientId: 'failover-2', brokers: up.brokers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 30, initialRetryTime: 200, maxRetryTime: 2000}}).admin();
      await admin2.connect();
      await admin2.createTopics({topics: [{topic: 'after-controller', numPartitions: 2, replicationFactor: 2}], waitForLeaders: true});
      expect(await admin2.listTopics()).toContain('after-controller');
      await admin2.disconnect();
    }, 300_000);
  });
}
