import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startBroker} from '../helpers/broker.js';

const {Kafka, logLevel, ConfigResourceTypes} = kafkajs;

describe('kafkajs 2.2.4 against the broker', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let kafka: InstanceType<typeof Kafka>;

  beforeAll(async () => {
    env = await startBroker();
    kafka = new Kafka({clientId: 'compat', brokers: [env.bootstrap], logLevel: logLevel.NOTHING});
  });
  afterAll(async () => {
    await env.broker.close();
  });

  it('admin creates, describes, alters and deletes topics', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({topics: [{topic: 'admin-a', numPartitions: 4, configEntries: [{name: 'retention.ms', value: '3600000'}]}]})).toBe(true);
      expect(await admin.createTopics({topics: [{topic: 'admin-a', numPartitions: 4}]})).toBe(false);
      await expect(admin.createTopics({topics: [{topic: 'admin-b', replicationFactor: 3}]})).rejects.toMatchObject({errors: [expect.objectContaining({type: 'INVALID_REPLICATION_FACTOR'})]});
      expect(await admin.listTopics()).toContain('admin-a');

      const md = await admin.fetchTopicMetadata({topics: ['admin-a']});
      expect(md.topics[0].partitions.map((p) => [p.partitionId, p.leader, p.replicas, p.isr])).toEqual([0, 1, 2, 3].map((p) => [p, 0, [0], [0]]));

      const configs = await admin.describeConfigs({includeSynonyms: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'admin-a'}]});
      const entries = new Map(configs.resources[0].configEntries.map((e) => [e.configName, e]));
      expect(entries.get('retention.ms')).toMatchObject({configValue: '3600000', isDefault: false});
      expect(entries.get('segment.bytes')).toMatchObject({configValue: '1073741824', isDefault: true});

      await admin.alterConfigs({validateOnly: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'admin-a', configEntries: [{name: 'retention.ms', value: '60000'}]}]});
      const after = await admin.describeConfigs({includeSynonyms: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'admin-a', configNames: ['retention.ms']}]});
      expect(after.resources[0].configEntries).toEqual([expect.objectContaining({configName: 'retention.ms', configValue: '60000'})]);

      await admin.createPartitions({topicPartitions: [{topic: 'admin-a', count: 6}]});
      expect((await admin.fetchTopicMetadata({topics: ['admin-a']})).topics[0].partitions).toHaveLength(6);

      await admin.deleteTopics({topics: ['admin-a']});
      expect(await admin.listTopics()).not.toContain('admin-a');
    } finally {
      await admin.disconnect();
    }
  });

  it('produces with keys and headers and reads offsets back', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({topics: [{topic: 'js-produce', numPartitions: 2}]});
      const results = await producer.send({
        topic: 'js-produce',
        acks: -1,
        messages: Array.from({length: 100}, (_, i) => ({key: `car${i % 5}`, value: `v${i}`, headers: {seq: String(i)}})),
      });
      for (const r of results) expect(r).toMatchObject({errorCode: 0, baseOffset: '0'});
      const offsets = await admin.fetchTopicOffsets('js-produce');
      expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(100);
      expect(offsets.every((o) => o.low === '0')).toBe(true);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
