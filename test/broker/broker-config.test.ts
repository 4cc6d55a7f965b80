import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {describeBrokerConfig} from '../../src/broker/broker-config.js';
import {startBroker} from '../helpers/broker.js';

/** The broker's settings as DescribeConfigs (resource type BROKER) gives them. */
describe("the broker's configs", () => {
  let broker: Broker;
  beforeAll(async () => {
    ({broker} = await startBroker({
      numPartitions: 3,
      staticConfig: {
        'num.partitions': '3',
        'message.max.bytes': '2000000',
        'ssl.key.password': 'secret',
        'listener.name.external.plain.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_a="b";',
        'listener.name.external.ssl.client.auth': 'required',
      },
    }));
  });
  afterAll(async () => {
    await broker?.close();
  });
  const entry = (name: string) => describeBrokerConfig(broker).find((e) => e.name === name);

  it('gives each key once, with its value, its source and Kafka\'s synonyms', () => {
    const names = describeBrokerConfig(broker).map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(entry('num.partitions')).toEqual({name: 'num.partitions', value: '3', source: 'broker', type: 'INT', sensitive: false, synonyms: [{name: 'num.partitions', value: '3', source: 'broker'}, {name: 'num.partitions', value: '1', source: 'default'}]});
    expect(entry('message.max.bytes')).toMatchObject({value: '2000000', source: 'broker', type: 'INT'});
    expect(entry('log.retention.hours')).toMatchObject({value: '168', source: 'default', synonyms: [{name: 'log.retention.hours', value: '168', source: 'default'}]});
    expect(entry('log.retention.ms')).toMatchObject({value: null, source: 'default', synonyms: []});
    // Set without a server.properties line (in-process, or a flag): still the broker's.
    expect(entry('log.dirs')).toMatchObject({value: broker.options.dataDir, source: 'broker'});
  });

  it('hides passwords and JAAS configs, listener-prefixed ones too, and lists listener-prefixed keys', () => {
    expect(entry('ssl.key.password')).toMatchObject({value: null, sensitive: true, source: 'broker', synonyms: [{name: 'ssl.key.password', value: null, source: 'broker'}]});
    expect(entry('listener.name.external.plain.sasl.jaas.config')).toMatchObject({value: null, sensitive: true, source: 'broker'});
    expect(entry('listener.name.external.ssl.client.auth')).toMatchObject({value: 'required', sensitive: false, source: 'broker', type: 'STRING'});
    expect(JSON.stringify(describeBrokerConfig(broker))).not.toContain('secret');
    expect(JSON.stringify(describeBrokerConfig(broker))).not.toContain('user_a');
  });
});
