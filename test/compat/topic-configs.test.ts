import fs from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {parseHostPort} from '../../src/lib/address.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {ApiVersions} from '../../src/protocol/messages/18-api-versions.js';
import {IncrementalAlterConfigs} from '../../src/protocol/messages/44-incremental-alter-configs.js';
import {startBroker} from '../helpers/broker.js';
import {runOk} from '../helpers/run.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';

const {Kafka, logLevel, ConfigResourceTypes} = kafkajs;
const runConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));

/**
 * Scripts copied from real clusters set every Kafka topic config: each valid one is accepted by
 * CreateTopics, AlterConfigs and IncrementalAlterConfigs and described back; unknown names and
 * invalid values are still refused with INVALID_CONFIG naming the key.
 */

/** Kafka 3.8 topic configs that kcollect used to refuse, with values seen in real clusters' scripts. */
const FROM_A_REAL_CLUSTER: Record<string, string> = {
  'file.delete.delay.ms': '60000',
  'index.interval.bytes': '4096',
  'local.retention.ms': '-2',
  'local.retention.bytes': '-2',
  'remote.storage.enable': 'false',
  'compression.gzip.level': '6',
  'compression.lz4.level': '9',
  'compression.zstd.level': '3',
  'compression.type': 'lz4',
  preallocate: 'true',
  'leader.replication.throttled.replicas': '0:1',
  'follower.replication.throttled.replicas': '*',
};

// confluent-kafka (librdkafka) shows the broker's error message, which names the key.
const PY_CREATE = `
import sys, json
from confluent_kafka.admin import AdminClient, NewTopic
a = AdminClient({'bootstrap.servers': sys.argv[1]})
out = {}
for name, config in json.loads(sys.argv[2]).items():
    try:
        a.create_topics([NewTopic(name, 1, 1, config=config)])[name].result(30)
        out[name] = 'ok'
    except Exception as e:
        err = e.args[0]
        out[name] = '%s: %s' % (err.name(), err.str())
print(json.dumps(out))
`;

const PY_DESCRIBE = `
import sys, json
from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource
a = AdminClient({'bootstrap.servers': sys.argv[1]})
r = ConfigResource(getattr(ConfigResource.Type, sys.argv[2]), sys.argv[3])
entries = a.describe_configs([r])[r].result(30)
print(json.dumps({k: {'value': e.value, 'source': ConfigSource(e.source).name} for k, e in entries.items()}))
`;

describe("Kafka's topic configs from real clusters' scripts", () => {
  let broker: Broker;
  let bootstrap: string;
  let dataDir: string;
  let admin: kafkajs.Admin;
  let conn: WireConnection;
  beforeAll(async () => {
    ({broker, bootstrap, dataDir} = await startBroker({autoCreateTopics: false}));
    admin = new Kafka({brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 0}}).admin();
    await admin.connect();
    const {host, port} = parseHostPort(bootstrap, '127.0.0.1', 'bootstrap');
    conn = await WireConnection.connect(host, port);
    await conn.negotiate(ApiVersions);
  });
  afterAll(async () => {
    conn?.close();
    await admin?.disconnect();
    await broker?.close();
  });

  const describeTopic = async (topic: string) => {
    const res = await admin.describeConfigs({includeSynonyms: false, resources: [{type: ConfigResourceTypes.TOPIC, name: topic}]});
    return Object.fromEntries(res.resources[0].configEntries.map((c) => [c.configName, {value: c.configValue, source: c.configSource}]));
  };
  const DYNAMIC_TOPIC_CONFIG = 1;

  it('CreateTopics (kafkajs) takes them and DescribeConfigs shows them as the topic\'s own', async () => {
    await admin.createTopics({topics: [{topic: 'copied', numPartitions: 1, configEntries: Object.entries(FROM_A_REAL_CLUSTER).map(([name, value]) => ({name, value}))}]});
    const configs = await describeTopic('copied');
    for (const [name, value] of Object.entries(FROM_A_REAL_CLUSTER)) expect(configs[name], name).toEqual({value, source: DYNAMIC_TOPIC_CONFIG});
  });

  it('AlterConfigs (kafkajs) and IncrementalAlterConfigs (kafka-configs.sh --alter) set them', async () => {
    await admin.createTopics({topics: [{topic: 'altered', numPartitions: 1}]});
    await admin.alterConfigs({validateOnly: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'altered', configEntries: [{name: 'file.delete.delay.ms', value: '1000'}, {name: 'local.retention.ms', value: '3600000'}]}]});
    expect(await describeTopic('altered')).toMatchObject({'file.delete.delay.ms': {value: '1000', source: DYNAMIC_TOPIC_CONFIG}, 'local.retention.ms': {value: '3600000', source: DYNAMIC_TOPIC_CONFIG}});
    const SET = 0;
    const res = await conn.request(IncrementalAlterConfigs, conn.pick(IncrementalAlterConfigs, [0, 1]), {
      resources: [{resourceType: 2, resourceName: 'altered', configs: [{name: 'index.interval.bytes', configOperation: SET, value: '8192'}, {name: 'local.retention.bytes', configOperation: SET, value: '1073741824'}]}],
      validateOnly: false,
    });
    expect(res.responses[0]).toMatchObject({errorCode: ErrorCode.NONE, errorMessage: null});
    expect(await describeTopic('altered')).toMatchObject({
      'file.delete.delay.ms': {value: '1000', source: DYNAMIC_TOPIC_CONFIG},
      'index.interval.bytes': {value: '8192', source: DYNAMIC_TOPIC_CONFIG},
      'local.retention.bytes': {value: '1073741824', source: DYNAMIC_TOPIC_CONFIG},
    });
  });

  it('index.interval.bytes takes effect: 0 puts every batch after the first in the offset index', async () => {
    await admin.createTopics({topics: [{topic: 'dense-index', configEntries: [{name: 'index.interval.bytes', value: '0'}]}, {topic: 'sparse-index'}]});
    const producer = new Kafka({brokers: [bootstrap], logLevel: logLevel.NOTHING}).producer();
    await producer.connect();
    for (let i = 0; i < 4; i++) for (const topic of ['dense-index', 'sparse-index']) await producer.send({topic, messages: [{value: `record ${i}`}]});
    await producer.disconnect();
    const indexBytes = (topic: string) => fs.statSync(path.join(dataDir, `${topic}-0`, '00000000000000000000.index')).size;
    expect(indexBytes('dense-index')).toBe(3 * 8);
    expect(indexBytes('sparse-index')).toBe(0);
  });

  it.skipIf(!runConfluent)('confluent-kafka creates topics with them; unknown names and invalid values are refused with INVALID_CONFIG naming the key', async () => {
    const out = JSON.parse(
      await runOk('/usr/bin/python3', [
        '-c',
        PY_CREATE,
        bootstrap,
        JSON.stringify({
          'py-copied': {'file.delete.delay.ms': '30000', 'index.interval.bytes': '8192', 'local.retention.ms': '86400000', 'compression.type': 'zstd'},
          'py-unknown': {'retention.hours': '24'},
          'py-invalid': {'index.interval.bytes': '-1'},
          'py-tiered': {'remote.storage.enable': 'true'},
        }),
      ]),
    );
    expect(out['py-copied']).toBe('ok');
    expect(out['py-unknown']).toMatch(/^INVALID_CONFIG: unknown topic config "retention\.hours"/);
    expect(out['py-invalid']).toMatch(/^INVALID_CONFIG: invalid value "-1" for topic config index\.interval\.bytes/);
    expect(out['py-tiered']).toMatch(/^INVALID_CONFIG: .*remote\.storage\.enable.*Tiered Storage functionality is disabled/);
    const configs = JSON.parse(await runOk('/usr/bin/python3', ['-c', PY_DESCRIBE, bootstrap, 'TOPIC', 'py-copied']));
    expect(configs['file.delete.delay.ms']).toEqual({value: '30000', source: 'DYNAMIC_TOPIC_CONFIG'});
    expect(configs['local.retention.ms']).toEqual({value: '86400000', source: 'DYNAMIC_TOPIC_CONFIG'});
    expect(configs['segment.bytes']).toEqual({value: '1073741824', source: 'DEFAULT_CONFIG'});
  });

  it.skipIf(!runConfluent)("DescribeConfigs of the broker lists the broker's settings with their sources, not 11 of them", async () => {
    const configs = JSON.parse(await runOk('/usr/bin/python3', ['-c', PY_DESCRIBE, bootstrap, 'BROKER', String(broker.nodeId)]));
    expect(Object.keys(configs).length).toBeGreaterThan(80);
    expect(configs['auto.create.topics.enable']).toEqual({value: 'false', source: 'STATIC_BROKER_CONFIG'});
    expect(configs['message.max.bytes']).toEqual({value: '1048588', source: 'DEFAULT_CONFIG'});
    expect(configs['log.retention.hours']).toEqual({value: '168', source: 'DEFAULT_CONFIG'});
    expect(configs['log.segment.bytes']).toEqual({value: '1073741824', source: 'DEFAULT_CONFIG'});
    expect(configs['compression.type']).toEqual({value: 'producer', source: 'DEFAULT_CONFIG'});
    expect(configs['num.partitions']).toEqual({value: '1', source: 'DEFAULT_CONFIG'});
    expect(configs['log.retention.ms']).toEqual({value: null, source: 'DEFAULT_CONFIG'});
  });
});
