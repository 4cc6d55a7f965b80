import net from 'node:net';
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {startBroker} from '../helpers/broker.js';
import {expectUserError, kcollect, kcollectJson} from '../helpers/cli.js';

const {Kafka, logLevel} = kafkajs;

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const {port} = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('kcollect topic', () => {
  let broker: Broker;
  let bootstrap: string;
  beforeAll(async () => {
    ({broker, bootstrap} = await startBroker({autoCreateTopics: false}));
  });
  afterAll(async () => {
    await broker?.close();
  });
  const cli = (...args: string[]) => kcollect(bootstrap, args);
  const json = <T = any>(...args: string[]) => kcollectJson<T>(bootstrap, args);

  it('creates a topic with partitions and configs, and reports it (human and --json)', async () => {
    const human = await cli('topic', 'create', 'car-status', '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=86400000', '-c', 'max.message.bytes=2097152');
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[0]).toMatch(/^TOPIC\s+PARTITIONS\s+REPLICAS\s+STATUS$/);
    expect(human.stdout).toMatch(/^car-status\s+3\s+1\s+OK$/m);

    const created = await json('topic', 'create', 'driving-logs', '-p', '2');
    expect(created).toEqual({topic: 'driving-logs', created: true, partitions: 2, replicationFactor: 1, configs: {}});
  });

  it('takes repeatable flags from KCOLLECT_* env vars', async () => {
    const created = await kcollectJson(bootstrap, ['topic', 'create', 'from-env'], {env: {KCOLLECT_PARTITIONS: '2', KCOLLECT_TOPIC_CONFIG: 'retention.ms=1000,segment.ms=60000'}});
    expect(created).toEqual({topic: 'from-env', created: true, partitions: 2, replicationFactor: 1, configs: {'retention.ms': '1000', 'segment.ms': '60000'}});
  });

  it('lists topics', async () => {
    const human = await cli('topic', 'list');
    expect(human.code).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TOPIC\s+PARTITIONS\s+REPLICAS$/);
    expect(lines).toContainEqual(expect.stringMatching(/^car-status\s+3\s+1$/));
    const {topics} = await json('topic', 'list');
    expect(topics).toContainEqual({name: 'driving-logs', partitions: 2, replicationFactor: 1, internal: false});
    expect(topics.map((t: {name: string}) => t.name)).toEqual([...topics.map((t: {name: string}) => t.name)].sort());
  });

  it('describes partitions (leader, replicas, ISR, offsets) and configs with their source', async () => {
    await kcollect(bootstrap, ['produce', 'car-status', '-p', '1'], {input: 'a\nb\nc\n'});
    const d = await json('topic', 'describe', 'car-status');
    expect(d.name).toBe('car-status');
    expect(d.partitions).toEqual([
      {partition: 0, leader: 0, replicas: [0], isr: [0], logStartOffset: 0, highWatermark: 0},
      {partition: 1, leader: 0, replicas: [0], isr: [0], logStartOffset: 0, highWatermark: 3},
      {partition: 2, leader: 0, replicas: [0], isr: [0], logStartOffset: 0, highWatermark: 0},
    ]);
    const config = (k: string) => d.configs.find((c: {key: string}) => c.key === k);
    expect(config('retention.ms')).toMatchObject({value: '86400000', source: 'DYNAMIC_TOPIC_CONFIG'});
    expect(config('max.message.bytes')).toMatchObject({value: '2097152', source: 'DYNAMIC_TOPIC_CONFIG'});
    expect(config('segment.bytes')).toMatchObject({source: 'DEFAULT_CONFIG'});

    const human = await cli('topic', 'describe', 'car-status');
    expect(human.code).toBe(0);
    const out = human.stdout;
    expect(out).toMatch(/^SUMMARY\n=======\nTOPIC\s+car-status\nPARTITIONS\s+3\nREPLICAS\s+1\n/);
    expect(out).toMatch(/\nPARTITIONS\n==========\nPARTITION\s+LEADER\s+REPLICAS\s+ISR\s+LOG-START\s+HIGH-WATERMARK\n/);
    expect(out).toMatch(/^1\s+0\s+\[0\]\s+\[0\]\s+0\s+3$/m);
    expect(out).toMatch(/\nCONFIGS\n=======\nKEY\s+VALUE\s+SOURCE\n/);
    expect(out).toMatch(/^retention\.ms\s+86400000\s+DYNAMIC_TOPIC_CONFIG$/m);
    expect(out.indexOf('SUMMARY')).toBeLessThan(out.indexOf('PARTITIONS\n====='));
    expect(out.indexOf('PARTITIONS\n=====')).toBeLessThan(out.indexOf('CONFIGS'));
  });

  it('alter-config sets and deletes overrides and keeps the others', async () => {
    const set = await json('topic', 'alter-config', 'car-status', '--set', 'retention.bytes=1048576', '--set', 'retention.ms=3600000');
    expect(set.changes).toEqual([
      {key: 'retention.bytes', from: null, to: '1048576'},
      {key: 'retention.ms', from: '86400000', to: '3600000'},
    ]);
    expect(set.overrides).toEqual({'max.message.bytes': '2097152', 'retention.bytes': '1048576', 'retention.ms': '3600000'});

    const human = await cli('topic', 'alter-config', 'car-status', '--delete', 'retention.bytes');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^KEY\s+OLD\s+NEW\n/);
    expect(human.stdout).toMatch(/^retention\.bytes\s+1048576\s+\(default\)$/m);

    const d = await json('topic', 'describe', 'car-status');
    const overrides = Object.fromEntries(d.configs.filter((c: any) => c.source === 'DYNAMIC_TOPIC_CONFIG').map((c: any) => [c.key, c.value]));
    expect(overrides).toEqual({'max.message.bytes': '2097152', 'retention.ms': '3600000'});
  });

  it('alter-config errors: an invalid value names the Kafka error; deleting an unset key says what is set', async () => {
    const [invalid, unset, nothing] = await Promise.all([
      cli('topic', 'alter-config', 'car-status', '--set', 'retention.ms=soon'),
      cli('topic', 'alter-config', 'car-status', '--delete', 'segment.ms'),
      cli('topic', 'alter-config', 'car-status'),
    ]);
    expectUserError(invalid, 'alter configs of topic car-status (retention.ms=soon): INVALID_CONFIG (40): invalid value "soon" for topic config retention.ms: use a whole number of milliseconds');
    expectUserError(unset, 'has no override for "segment.ms"', 'max.message.bytes, retention.ms');
    expectUserError(nothing, 'nothing to change', '--set');
  });

  it('alter-config prints why the broker refuses a value or a name, and changes nothing', async () => {
    const [prealloc, throttle, unknown] = await Promise.all([
      cli('topic', 'alter-config', 'car-status', '--set', 'preallocate=sometimes'),
      cli('topic', 'alter-config', 'car-status', '--set', 'follower.replication.throttled.replicas=0-1'),
      cli('topic', 'alter-config', 'car-status', '--set', 'retention.hours=5'),
    ]);
    expectUserError(prealloc, 'INVALID_CONFIG (40): invalid value "sometimes" for topic config preallocate: use true or false');
    expectUserError(throttle, "topic config follower.replication.throttled.replicas: follower.replication.throttled.replicas must be the literal '*' or a list of replicas");
    expectUserError(unknown, 'INVALID_CONFIG (40): unknown topic config "retention.hours"');
    const d = await json('topic', 'describe', 'car-status');
    const overrides = Object.fromEntries(d.configs.filter((c: any) => c.source === 'DYNAMIC_TOPIC_CONFIG').map((c: any) => [c.key, c.value]));
    expect(overrides).toEqual({'max.message.bytes': '2097152', 'retention.ms': '3600000'});
  });

  it('accepts Kafka\'s other topic configs and enforces message.timestamp.difference.max.ms on produce', async () => {
    const set = await json('topic', 'alter-config', 'driving-logs', '--set', 'message.timestamp.difference.max.ms=60000', '--set', 'message.format.version=2.8', '--set', 'segment.jitter.ms=1000');
    expect(set.overrides).toEqual({'message.timestamp.difference.max.ms': '60000', 'message.format.version': '2.8', 'segment.jitter.ms': '1000'});
    const kafka = new Kafka({brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 0}});
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({topic: 'driving-logs', messages: [{partition: 0, value: 'now', timestamp: String(Date.now())}]});
      const stale = producer.send({topic: 'driving-logs', messages: [{partition: 0, value: 'old', timestamp: String(Date.now() - 3_600_000)}]});
      await expect(stale).rejects.toMatchObject({type: 'INVALID_TIMESTAMP'});
    } finally {
      await producer.disconnect();
    }
  });

  it('add-partitions grows a topic and refuses to shrink it', async () => {
    expect(await json('topic', 'add-partitions', 'driving-logs', '--total', '5')).toEqual({topic: 'driving-logs', before: 2, after: 5});
    const d = await json('topic', 'describe', 'driving-logs');
    expect(d.partitions.map((p: {partition: number}) => p.partition)).toEqual([0, 1, 2, 3, 4]);
    const human = await cli('topic', 'add-partitions', 'driving-logs', '--total', '6');
    expect(human.stdout).toMatch(/^driving-logs\s+5\s+6\s+OK$/m);
    expectUserError(await cli('topic', 'add-partitions', 'driving-logs', '--total', '3'), 'already has 6 partitions', '--total 7');
    // kafka-topics.sh --alter --partitions N: N is the new total, as --total's; one or the other.
    expect(await json('topic', 'add-partitions', '--topic', 'driving-logs', '--partitions', '7')).toEqual({topic: 'driving-logs', before: 6, after: 7});
    const both = await cli('topic', 'add-partitions', 'driving-logs', '--partitions', '8', '--total', '8');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--total can only be specified once/);
    expect((await json('topic', 'describe', 'driving-logs')).partitions).toHaveLength(7);
  });

  it('takes the topic as kafka-topics.sh does, --topic NAME, and never from KCOLLECT_TOPIC', async () => {
    expect(await json('topic', 'create', '--topic', 'named-by-flag', '-p', '2')).toMatchObject({topic: 'named-by-flag', partitions: 2});
    expect((await json('topic', 'describe', '--topic', 'named-by-flag')).name).toBe('named-by-flag');
    // -t stays add-partitions' --total.
    expect(await json('topic', 'add-partitions', '--topic', 'named-by-flag', '-t', '3')).toEqual({topic: 'named-by-flag', before: 2, after: 3});
    expectUserError(await cli('topic', 'create', 'one', '--topic', 'another'), 'two topics given: one and --topic another');
    // A delete names its topic on the command line: the environment's topic is not taken for it.
    expectUserError(await kcollect(bootstrap, ['topic', 'delete'], {env: {KCOLLECT_TOPIC: 'named-by-flag'}}), 'no topic given');
    expect((await json('topic', 'delete', '--topic', 'named-by-flag')).topic).toBe('named-by-flag');
    expect((await json('topic', 'list')).topics.map((t: {name: string}) => t.name)).not.toContain('named-by-flag');
  });

  it('create refuses an existing topic and a bad config, naming the Kafka error', async () => {
    const [exists, badConfig, badFlag] = await Promise.all([
      cli('topic', 'create', 'car-status'),
      cli('topic', 'create', 'bad-config', '-c', 'retention.ms=never'),
      cli('topic', 'create', 'bad-flag', '-c', 'retention.ms'),
    ]);
    expectUserError(exists, 'TOPIC_ALREADY_EXISTS (36)', 'kcollect topic delete car-status');
    expectUserError(badConfig, 'INVALID_CONFIG (40): invalid value "never" for topic config retention.ms');
    expectUserError(badFlag, '--config "retention.ms" is not KEY=VALUE');
    // Names that differ only in '.' and '_' collide (one metric name in Kafka): say with which topic.
    expect((await cli('topic', 'create', 'fleet_status')).code).toBe(0);
    expectUserError(await cli('topic', 'create', 'fleet.status'), 'INVALID_TOPIC_EXCEPTION (17): it collides with topic fleet_status', "differ only in '.' and '_'");
    expectUserError(await cli('topic', 'create', 'fleet status'), 'INVALID_TOPIC_EXCEPTION (17)', 'letters, digits');
    expect((await cli('topic', 'delete', 'fleet_status')).code).toBe(0);
  });

  it('--if-not-exists and --if-exists let a provisioning script rerun, as kafka-topics.sh (exit 0, saying so)', async () => {
    const created = await cli('topic', 'create', 'provisioned', '-p', '2', '-c', 'retention.ms=3600000', '--if-not-exists');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^provisioned\s+2\s+1\s+OK$/m);
    // Again, asking for other partitions: the topic is left as it is, and reported as it is.
    const again = await cli('topic', 'create', 'provisioned', '-p', '3', '--if-not-exists');
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^provisioned\s+2\s+1\s+EXISTS$/m);
    expect(await json('topic', 'create', 'provisioned', '--if-not-exists')).toEqual({topic: 'provisioned', created: false, partitions: 2, replicationFactor: 1, configs: {'retention.ms': '3600000'}});
    expectUserError(await cli('topic', 'create', 'provisioned'), 'TOPIC_ALREADY_EXISTS (36)', '--if-not-exists');

    // alter-config --if-exists: an existing topic is altered; a missing one is no error.
    expect((await json('topic', 'alter-config', 'provisioned', '--set', 'retention.ms=60000', '--if-exists')).changes).toEqual([{key: 'retention.ms', from: '3600000', to: '60000'}]);
    const alterMissing = await cli('topic', 'alter-config', 'never-made', '--set', 'retention.ms=1', '--if-exists');
    expect(alterMissing.code).toBe(0);
    expect(alterMissing.stdout).toBe('topic never-made does not exist: nothing changed (--if-exists)\n');
    expect(await json('topic', 'alter-config', 'never-made', '--set', 'retention.ms=1', '--if-exists')).toEqual({topic: 'never-made', exists: false});

    // delete --if-exists: deletes it once, then says it is not there.
    expect(await json('topic', 'delete', 'provisioned', '--if-exists')).toEqual({topic: 'provisioned', deleted: true});
    const deleteMissing = await cli('topic', 'delete', 'provisioned', '--if-exists');
    expect(deleteMissing.code).toBe(0);
    expect(deleteMissing.stdout).toMatch(/^provisioned\s+DOES-NOT-EXIST$/m);
    expect(await json('topic', 'delete', '--topic', 'provisioned', '--if-exists')).toEqual({topic: 'provisioned', deleted: false});
    expectUserError(await cli('topic', 'delete', 'provisioned'), 'topic "provisioned" does not exist (UNKNOWN_TOPIC_OR_PARTITION)');
    // Kafka's internal topics stay refused.
    expectUserError(await cli('topic', 'delete', '__transaction_state', '--if-exists'), '__transaction_state is a Kafka internal topic');
  });

  it('deletes a topic', async () => {
    const human = await cli('topic', 'delete', 'from-env');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^from-env\s+OK$/m);
    expect(await json('topic', 'delete', 'driving-logs')).toEqual({topic: 'driving-logs', deleted: true});
    const {topics} = await json('topic', 'list');
    expect(topics.map((t: {name: string}) => t.name)).toEqual(['car-status']);
  });

  it("refuses to delete or add partitions to Kafka's internal topics, as kafka-topics.sh does (the broker would)", async () => {
    // A group's commit creates __consumer_offsets.
    expect((await cli('consume', 'car-status', '--group', 'keepers', '-e')).code).toBe(0);
    const before = (await json('topic', 'describe', '__consumer_offsets')).partitions.length;
    expectUserError(await cli('topic', 'delete', '__consumer_offsets'), '__consumer_offsets is a Kafka internal topic', "every consumer group's committed offsets");
    expectUserError(await cli('topic', 'delete', '--topic', '__transaction_state'), '__transaction_state is a Kafka internal topic');
    expectUserError(await cli('topic', 'add-partitions', '__consumer_offsets', '--total', String(before + 1)), 'does not add partitions to it');
    expect((await json('topic', 'describe', '__consumer_offsets')).partitions).toHaveLength(before);
    expect((await json('group', 'describe', 'keepers')).offsets).toContainEqual(expect.objectContaining({topic: 'car-status', partition: 1, committed: 3}));
  });

  it('describe with no topic describes every topic; --exclude-internal leaves out only Kafka\'s two internal topics', async () => {
    // A user topic named like an internal one is not internal (Kafka's Topic.isInternal).
    expect((await cli('topic', 'create', '__audit')).code).toBe(0);
    const names = (r: {topics: Array<{name: string}>}) => r.topics.map((t) => t.name);
    const all = await json('topic', 'describe');
    expect(names(all)).toEqual(['__audit', '__consumer_offsets', 'car-status']);
    expect(all.topics.map((t: {internal: boolean}) => t.internal)).toEqual([false, true, false]);
    expect(all.topics[2]).toEqual(await json('topic', 'describe', 'car-status'));
    expect(names(await json('topic', 'describe', '--exclude-internal'))).toEqual(['__audit', 'car-status']);
    const human = await cli('topic', 'describe', '--exclude-internal');
    expect(human.code).toBe(0);
    expect(human.stdout.match(/^TOPIC\s+\S+$/gm)).toEqual(['TOPIC       __audit', 'TOPIC       car-status']);
    expect(human.stdout).toMatch(/^1\s+0\s+\[0\]\s+\[0\]\s+0\s+3$/m);

    expect(names(await json('topic', 'list', '--exclude-internal'))).toEqual(['__audit', 'car-status']);
    expect((await json('topic', 'list')).topics).toContainEqual({name: '__audit', partitions: 1, replicationFactor: 1, internal: false});

    // One healthy broker: no partition is under-replicated or unavailable, and nothing is printed.
    for (const filter of ['--under-replicated-partitions', '--unavailable-partitions']) {
      const r = await cli('topic', 'describe', filter);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(await json('topic', 'describe', filter)).toEqual({topics: []});
    }
    expect((await cli('topic', 'describe', '--under-replicated-partitions', '--unavailable-partitions')).code).toBe(2);
    expect((await cli('topic', 'delete', '__audit')).code).toBe(0);
  });

  it('a missing topic is one line naming UNKNOWN_TOPIC_OR_PARTITION with a hint, exit 1', async () => {
    const results = await Promise.all(
      [
        ['topic', 'describe', 'nope'],
        ['topic', 'describe', 'nope', '--json'],
        ['topic', 'delete', 'nope'],
        ['topic', 'alter-config', 'nope', '--set', 'retention.ms=1'],
        ['topic', 'add-partitions', 'nope', '--total', '2'],
      ].map((args) => cli(...args)),
    );
    for (const r of results) expectUserError(r, 'topic "nope" does not exist (UNKNOWN_TOPIC_OR_PARTITION)', 'kcollect topic create nope');
  });

  it('an unreachable broker is one line with a hint, exit 1', async () => {
    const port = await closedPort();
    const results = await Promise.all([
      ...[['topic', 'list'], ['topic', 'create', 'x'], ['topic', 'describe', 'x', '--json']].map((args) => kcollect(`127.0.0.1:${port}`, args)),
      // -b wins over the environment
      kcollect(bootstrap, ['topic', 'list', '-b', `127.0.0.1:${port}`]),
    ]);
    for (const r of results) expectUserError(r, `no Kafka broker answers at 127.0.0.1:${port}`, 'start one with `kcollect broker start`, or pass -b HOST:PORT');
  });
});
