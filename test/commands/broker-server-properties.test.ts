import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {compressionOf, Compression, iterateBatches} from '../../src/protocol/records/batch.js';
import {type BrokerProcess, spawnBrokerWith, tempDir} from '../helpers/broker.js';
import {expectUserError, kcollect, kcollectJson, runCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';

const {Kafka, logLevel, ConfigResourceTypes} = kafkajs;

/**
 * An operator's server.properties with the broker-wide topic defaults every Kafka cluster sets:
 * `kcollect broker start --config` applies them to each topic without its own setting, as Kafka
 * does, and DescribeConfigs tells where each value comes from.
 */
describe('kcollect broker start --config: the topic defaults of server.properties', () => {
  let dir: string;
  let broker: BrokerProcess;
  let kafka: kafkajs.Kafka;
  let admin: kafkajs.Admin;
  beforeAll(async () => {
    dir = tempDir('server-props');
    const props = [
      'broker.id=0',
      `log.dirs=${path.join(dir, 'data')}`,
      'listeners=PLAINTEXT://127.0.0.1:0',
      'auto.create.topics.enable=false',
      'num.io.threads=8',
      // The lines kcollect used to refuse, stopping the broker.
      'message.max.bytes=20000',
      'log.segment.bytes=1024',
      'compression.type=gzip',
      'log.retention.hours=1',
      'log.retention.check.interval.ms=200',
    ];
    fs.writeFileSync(path.join(dir, 'server.properties'), props.join('\n') + '\n');
    broker = await spawnBrokerWith(['--config', path.join(dir, 'server.properties')]);
    kafka = new Kafka({brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 0}});
    admin = kafka.admin();
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    await admin?.disconnect();
    broker?.proc.kill('SIGTERM');
    await broker?.exited;
  });

  const cli = (...args: string[]) => kcollect(broker.bootstrap, args);
  const segments = (topic: string) => fs.readdirSync(path.join(dir, 'data', `${topic}-0`)).filter((f) => f.endsWith('.log')).sort();
  const randomValue = (label: string) => Buffer.concat([Buffer.from(label), crypto.randomBytes(600)]);

  it('starts, telling only the keys without effect', () => {
    expect(broker.output()).toMatch(/server\.properties: num\.io\.threads accepted but without effect/);
    expect(broker.output()).not.toMatch(/message\.max\.bytes|log\.segment\.bytes|compression\.type|log\.retention\.hours/);
  });

  it('kcollect topic describe shows them as STATIC_BROKER_CONFIG, and a topic\'s own setting as DYNAMIC_TOPIC_CONFIG', async () => {
    expect((await cli('topic', 'create', 'events')).code).toBe(0);
    expect((await cli('topic', 'create', 'own', '--config', 'retention.ms=60000', '--config', 'compression.type=producer')).code).toBe(0);
    const configs = async (topic: string) => Object.fromEntries((await kcollectJson(broker.bootstrap, ['topic', 'describe', topic])).configs.map((c: any) => [c.key, `${c.value} ${c.source}`]));
    expect(await configs('events')).toMatchObject({
      'max.message.bytes': '20000 STATIC_BROKER_CONFIG',
      'segment.bytes': '1024 STATIC_BROKER_CONFIG',
      'compression.type': 'gzip STATIC_BROKER_CONFIG',
      'retention.ms': '3600000 STATIC_BROKER_CONFIG',
      'cleanup.policy': 'delete DEFAULT_CONFIG',
      'segment.ms': '604800000 DEFAULT_CONFIG',
    });
    expect(await configs('own')).toMatchObject({
      'retention.ms': '60000 DYNAMIC_TOPIC_CONFIG',
      'compression.type': 'producer DYNAMIC_TOPIC_CONFIG',
      'max.message.bytes': '20000 STATIC_BROKER_CONFIG',
    });
  });

  it('kafkajs sees the synonyms as Kafka gives them: the server.properties key, then its default', async () => {
    const res = await admin.describeConfigs({includeSynonyms: true, resources: [{type: ConfigResourceTypes.TOPIC, name: 'events', configNames: ['retention.ms']}]});
    expect(res.resources[0].configEntries).toEqual([
      expect.objectContaining({
        configName: 'retention.ms',
        configValue: '3600000',
        configSource: 4,
        configSynonyms: [
          {configName: 'log.retention.hours', configValue: '1', configSource: 4},
          {configName: 'log.retention.hours', configValue: '168', configSource: 5},
        ],
      }),
    ]);
  });

  it('refuses a batch over message.max.bytes with MESSAGE_TOO_LARGE, and takes one under it', async () => {
    const producer = kafka.producer();
    await producer.connect();
    try {
      await expect(producer.send({topic: 'events', messages: [{value: crypto.randomBytes(30_000)}]})).rejects.toMatchObject({type: 'MESSAGE_TOO_LARGE'});
      await expect(producer.send({topic: 'events', messages: [{value: crypto.randomBytes(5_000)}]})).resolves.toBeDefined();
    } finally {
      await producer.disconnect();
    }
  });

  it('stores every batch gzip-compressed whatever the producer sent, and consumers read it back', async () => {
    expect((await cli('topic', 'create', 'codecs')).code).toBe(0);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({topic: 'codecs', messages: [{value: 'from kafkajs, uncompressed'}]});
    await producer.disconnect();
    const lz4 = await kcollect(broker.bootstrap, ['produce', 'codecs', '--compression', 'lz4'], {input: 'from kcollect, lz4\n'});
    expect(lz4.code, lz4.stderr).toBe(0);
    const codecs = segments('codecs').flatMap((f) => {
      const bytes = fs.readFileSync(path.join(dir, 'data', 'codecs-0', f));
      return [...iterateBatches(bytes)].map((b) => compressionOf(b.header.attributes));
    });
    expect(codecs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(codecs)).toEqual(new Set([Compression.gzip]));
    const consumed = await cli('consume', 'codecs', '--from', 'beginning', '-e', '-f', '%s\\n');
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout).toContain('from kafkajs, uncompressed\n');
    expect(consumed.stdout).toContain('from kcollect, lz4\n');
  });

  it('rolls segments at log.segment.bytes and deletes those older than log.retention.hours', async () => {
    expect((await cli('topic', 'create', 'aging')).code).toBe(0);
    const producer = kafka.producer();
    await producer.connect();
    const twoHoursAgo = String(Date.now() - 2 * 3_600_000);
    // ~700 bytes a batch, even gzipped (random bytes): each fills a 1024-byte segment.
    // (Retention checks every 200 ms, so closed old segments may go while these are sent: only the
    // end state is asserted. Without the rolls the old records would stay in the active segment.)
    for (let i = 0; i < 4; i++) await producer.send({topic: 'aging', messages: [{value: randomValue(`old ${i}`), timestamp: twoHoursAgo}]});
    await producer.send({topic: 'aging', messages: [{value: 'new'}]});
    await producer.disconnect();
    // The three closed segments past retention go; the active one (the last old record and the new one) stays.
    await until(async () => (await admin.fetchTopicOffsets('aging'))[0].low === '3', 'retention to delete the old segments', 10_000);
    expect(segments('aging')).toEqual(['00000000000000000003.log']);
    expect((await admin.fetchTopicOffsets('aging'))[0]).toMatchObject({low: '3', high: '5'});
  });

  it('DescribeConfigs of the broker lists its settings: the server.properties keys as STATIC_BROKER_CONFIG, the others as DEFAULT_CONFIG', async () => {
    const res = await admin.describeConfigs({includeSynonyms: false, resources: [{type: ConfigResourceTypes.BROKER, name: '0'}]});
    const entries = res.resources[0].configEntries;
    const byName = Object.fromEntries(entries.map((c) => [c.configName, {value: c.configValue, source: c.configSource}]));
    const [STATIC, DEFAULT] = [4, 5];
    expect(byName).toMatchObject({
      'message.max.bytes': {value: '20000', source: STATIC},
      'log.segment.bytes': {value: '1024', source: STATIC},
      'compression.type': {value: 'gzip', source: STATIC},
      'log.retention.hours': {value: '1', source: STATIC},
      'log.retention.check.interval.ms': {value: '200', source: STATIC},
      'num.io.threads': {value: '8', source: STATIC},
      'auto.create.topics.enable': {value: 'false', source: STATIC},
      'log.dirs': {value: path.join(dir, 'data'), source: STATIC},
      'num.partitions': {value: '1', source: DEFAULT},
      'log.roll.hours': {value: '168', source: DEFAULT},
      'min.insync.replicas': {value: '1', source: DEFAULT},
    });
    expect(byName['log.retention.ms']).toEqual({value: null, source: DEFAULT});
    expect(entries.every((c) => c.readOnly)).toBe(true);
    const names = entries.map((c) => c.configName);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('kcollect broker start --config: a bad topic default', () => {
  it('stops before starting, naming the key and the fix', async () => {
    const dir = tempDir('server-props-bad');
    const file = path.join(dir, 'server.properties');
    fs.writeFileSync(file, `log.dirs=${path.join(dir, 'data')}\nlisteners=PLAINTEXT://127.0.0.1:0\nlog.retention.hours=a week\n`);
    const r = await runCli(['broker', 'start', '--config', file]);
    expectUserError(r, /^kcollect: .*server\.properties: invalid value "a week" for log\.retention\.hours \(the broker default of topic config retention\.ms\)/, /use a whole number/);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });
});
