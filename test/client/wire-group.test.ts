import {afterEach, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {ClusterConnections} from '../../src/client/cluster-connections.js';
import {GroupMember} from '../../src/client/wire-group.js';
import type {WireConnection} from '../../src/client/wire-connection.js';
import {sleep} from '../../src/lib/backoff.js';
import {startBroker} from '../helpers/broker.js';
import {until} from '../helpers/poll.js';

let brokers: Broker[] = [];
afterEach(async () => {
  for (const b of brokers) await b.close();
  brokers = [];
});

describe('a consumer group member (kcollect wire client)', () => {
  it('keeps trying to join while its coordinator is down (a broker restart), and joins once it is back', async () => {
    const first = await startBroker();
    await first.broker.createTopic('rejoin', 2, {});
    const {port} = first.broker.advertised;
    const cluster = new ClusterConnections([first.bootstrap], 'test-rejoin');
    const said: Array<string | undefined> = [];
    const member = new GroupMember(cluster, {groupId: 'restarts', topic: 'rejoin', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 6000, heartbeatIntervalMs: 1000, onJoinTrouble: (reason) => said.push(reason)});
    try {
      await first.broker.close();
      const joining = member.join(() => undefined);
      let failure: unknown;
      joining.catch((err: unknown) => (failure = err));
      // Down for a while: refused connections are tried again, not the end of the member, and it
      // says why it has not joined yet (once, however many tries fail).
      await until(() => said.length > 0 || failure !== undefined, 'the member to say why it has not joined');
      await sleep(1500);
      expect(failure).toBeUndefined();
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/no Kafka broker answers at 127\.0\.0\.1:/);
      const again = await startBroker({port, dataDir: first.dataDir});
      brokers.push(again.broker);
      expect(await joining).toEqual([0, 1]);
      // ... and that it joined.
      expect(said).toEqual([said[0], undefined]);
      await member.leave();
    } finally {
      cluster.close();
    }
  }, 60_000);

  it('callers at the same moment share one coordinator connection: none is left open after it leaves', async () => {
    const env = await startBroker();
    brokers.push(env.broker);
    await env.broker.createTopic('shared', 1, {});
    const cluster = new ClusterConnections([env.bootstrap], 'test-shared');
    const opened: WireConnection[] = [];
    const dedicated = cluster.dedicated.bind(cluster);
    cluster.dedicated = async (nodeId) => {
      const conn = await dedicated(nodeId);
      opened.push(conn);
      return conn;
    };
    const member = new GroupMember(cluster, {groupId: 'shared', topic: 'shared', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 6000, heartbeatIntervalMs: 1000});
    try {
      expect(await Promise.all([member.committed([0]), member.committed([0])])).toEqual([new Map([[0, -1]]), new Map([[0, -1]])]);
      await member.leave();
      // One connection, closed: one left open would keep a command from exiting.
      expect(opened).toHaveLength(1);
      await until(() => opened[0].closed, 'the coordinator connection closed');
    } finally {
      cluster.close();
    }
  });
});
