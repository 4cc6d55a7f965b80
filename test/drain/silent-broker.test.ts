/**
 * A drain whose broker accepts connections but stops answering (packets dropped on the way, a
 * frozen process): each request gives up after request.timeout.ms (1 s here, as a client property)
 * and its connection is closed, so the drain says it waits for Kafka and goes on, through new
 * connections, once the broker answers again or another took its place; it never hangs on a
 * request no answer will come to.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {defaultClientConfig, parseClientConfig, setDefaultClientConfig} from '../../src/client/client-config.js';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {startBroker} from '../helpers/broker.js';
import {freezableProxy} from '../helpers/freezable-proxy.js';
import {until as poll} from '../helpers/poll.js';
import {drivingRecords, produceLines} from './driving-records.js';
import {hbaseRowCount, startHBaseDrain} from './hbase-drain-run.js';
import {expectTableHoldsExactly} from './hbase-check.js';

describe('drain whose broker goes silent', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let hbase: HBaseEmulator;
  /** Every Kafka connection goes through this one (the broker advertises it). */
  let kafkaProxy: Awaited<ReturnType<typeof freezableProxy>>;
  /** HBase's answers to a write can be held here. */
  let hbaseProxy: Awaited<ReturnType<typeof freezableProxy>>;
  const target = {host: '127.0.0.1', port: 0};
  const commandConfig = defaultClientConfig();

  beforeAll(async () => {
    setDefaultClientConfig(parseClientConfig([{key: 'request.timeout.ms', value: '1000', where: '-X'}]).config);
    kafkaProxy = await freezableProxy(target);
    env = await startBroker({numPartitions: 2, advertisedPort: kafkaProxy.port});
    target.port = env.broker.listening.port;
    hbase = await startHBaseEmulator();
    hbaseProxy = await freezableProxy({host: '127.0.0.1', port: hbase.port});
  });
  afterAll(async () => {
    setDefaultClientConfig(commandConfig);
    kafkaProxy.close();
    hbaseProxy.close();
    await hbase.stop();
    await env.broker.close();
  });

  /** What the group committed, summed over the partitions (what `group describe` shows). */
  const committed = (groupId: string) => env.broker.groups.fetchOffsets(groupId, null).offsets.reduce((n, o) => n + o.offset, 0);

  const startDrain = (topic: string, table: string, hbaseUrl: string) => startHBaseDrain(env.bootstrap, topic, table, hbaseUrl);

  it('a commit meets the broker silent: the drain says it waits, and once the broker answers again reads on from the last commit; every record once, offsets committed', async () => {
    await env.broker.createTopic('Silent-Topic', 2, {});
    const records = drivingRecords(10, 30);
    await produceLines(env.bootstrap, 'Silent-Topic', records.slice(0, 100));
    const drain = startDrain('Silent-Topic', 'SilentCarInfo', `http://127.0.0.1:${hbaseProxy.port}`);
    await drain.until((s) => s.written === 100 && s.backlog === 0);

    // The next records reach HBase, its answers are held; Kafka goes silent; then HBase answers:
    // the drain commits those records to a broker that never answers.
    hbaseProxy.holdReplies();
    await produceLines(env.bootstrap, 'Silent-Topic', records.slice(100, 200));
    await poll(async () => (await hbaseRowCount(hbase.url, 'SilentCarInfo')) === 200, 'HBase to hold the second 100 records');
    kafkaProxy.freeze();
    hbaseProxy.releaseReplies();

    const outcome = await Promise.race([drain.until((s) => s.state === 'waiting').then(() => 'waiting'), drain.failed]);
    expect(outcome).toBe('waiting');
    kafkaProxy.thaw();
    await produceLines(env.bootstrap, 'Silent-Topic', records.slice(200));
    await drain.until((s) => s.written === 300 && s.state === 'ok');
    await poll(() => committed('SilentCarInfo-loader') === 300, 'the group to commit every record');
    expect(drain.run.ended).toBeUndefined();

    const summary = await drain.finish();
    expect(summary.records).toBe(300);
    expect(summary.partitions.reduce((n, p) => n + p.nextOffset, 0)).toBe(300);
    await expectTableHoldsExactly(hbase.url, 'SilentCarInfo', records.map((r) => r.line));
  }, 120_000);

  it('the silent broker is replaced at its address while its connections stay silent: the drain goes on through new ones', async () => {
    await env.broker.createTopic('Replaced-Topic', 2, {});
    const records = drivingRecords(10, 20, 5);
    await produceLines(env.bootstrap, 'Replaced-Topic', records.slice(0, 100));
    const drain = startDrain('Replaced-Topic', 'ReplacedCarInfo', hbase.url);
    await drain.until((s) => s.written === 100 && s.backlog === 0);

    // The drain's connections (its fetch long-polling, its coordinator's) hear nothing more, not
    // even the old broker's close; a new broker on the same data dir answers new connections.
    kafkaProxy.strand();
    await env.broker.close();
    env = await startBroker({port: target.port, dataDir: env.dataDir, advertisedPort: kafkaProxy.port});
    await produceLines(env.bootstrap, 'Replaced-Topic', records.slice(100));
    await drain.until((s) => s.written === 200 && s.state === 'ok');
    await poll(() => committed('ReplacedCarInfo-loader') === 200, 'the group to commit every record');
    expect(drain.run.ended).toBeUndefined();

    const summary = await drain.finish();
    expect(summary.records).toBe(200);
    expect(summary.partitions.reduce((n, p) => n + p.nextOffset, 0)).toBe(200);
    await expectTableHoldsExactly(hbase.url, 'ReplacedCarInfo', records.map((r) => r.line));
  }, 120_000);
});
