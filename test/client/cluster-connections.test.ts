import {afterAll, beforeAll, expect, it, vi} from 'vitest';
import {ClusterConnections} from '../../src/client/cluster-connections.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {startBroker} from '../helpers/broker.js';
import {until} from '../helpers/poll.js';

let env: Awaited<ReturnType<typeof startBroker>>;
beforeAll(async () => {
  env = await startBroker();
  await env.broker.createTopic('asked', 2, {});
});
afterAll(async () => {
  await env.broker.close();
});

it('callers at the same moment share one bootstrap connection, and close() leaves none open', async () => {
  const opened: WireConnection[] = [];
  const connect = WireConnection.connect.bind(WireConnection);
  const spy = vi.spyOn(WireConnection, 'connect').mockImplementation(async (...args) => {
    const c = await connect(...args);
    opened.push(c);
    return c;
  });
  try {
    const cluster = new ClusterConnections([env.bootstrap], 'test-bootstrap');
    const [a, b] = await Promise.all([cluster.topicLeaders('asked'), cluster.topicLeaders('asked')]);
    expect(a).toEqual(b);
    expect(opened).toHaveLength(1);
    cluster.close();
    // One left open would keep a command from exiting.
    await until(() => opened.every((c) => c.closed), 'every connection closed');
  } finally {
    spy.mockRestore();
  }
});
