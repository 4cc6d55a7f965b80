import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {brokerTopicDefaults, DEFAULT_TOPIC_CONFIG, describeTopicConfig, timestampBounds, TOPIC_CONFIGS, validateTopicConfig} from '../../src/storage/topic-config.js';

function rejection(overrides: Record<string, string>): {code?: string; message: string} {
  try {
    validateTopicConfig(overrides);
  } catch (err) {
    return err as {code?: string; message: string};
  }
  throw new Error(`accepted ${JSON.stringify(overrides)}`);
}

describe('topic config', () => {
  it('resolves Kafka\'s defaults', () => {
    expect(validateTopicConfig({})).toEqual(DEFAULT_TOPIC_CONFIG);
    expect(DEFAULT_TOPIC_CONFIG).toMatchObject({
      retentionMs: 604800000,
      retentionBytes: -1,
      segmentBytes: 1073741824,
      segmentMs: 604800000,
      maxMessageBytes: 1048588,
      messageTimestampType: 'CreateTime',
      cleanupPolicy: 'delete',
      minInsyncReplicas: 1,
      uncleanLeaderElectionEnable: false,
      compressionType: 'producer',
    });
    expect(DEFAULT_TOPIC_CONFIG.flushMessages).toBeGreaterThan(2 ** 62);
    expect(TOPIC_CONFIGS.find((c) => c.name === 'flush.ms')?.default).toBe('9223372036854775807');
    expect(TOPIC_CONFIGS.every((c) => c.sensitive === false && c.readOnly === false)).toBe(true);
  });

  it('applies valid overrides, trimming and parsing them', () => {
    const c = validateTopicConfig({
      'retention.ms': '-1',
      'retention.bytes': ' 1048576 ',
      'segment.bytes': '14',
      'message.timestamp.type': 'LogAppendTime',
      'unclean.leader.election.enable': 'TRUE',
      'cleanup.policy': 'delete',
      'compression.type': 'producer',
      'flush.messages': '1',
    });
    expect(c).toMatchObject({retentionMs: -1, retentionBytes: 1048576, segmentBytes: 14, messageTimestampType: 'LogAppendTime', uncleanLeaderElectionEnable: true, flushMessages: 1});
  });

  it('rejects bad values with INVALID_CONFIG, naming the key and the fix', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{'retention.ms': '-2'}, /retention\.ms.*>= -1/],
      [{'retention.ms': '1h'}, /retention\.ms.*whole number/],
      [{'segment.bytes': '13'}, /segment\.bytes.*between 14/],
      [{'segment.bytes': '4294967296'}, /segment\.bytes/],
      [{'message.timestamp.type': 'createtime'}, /CreateTime or LogAppendTime/],
      [{'unclean.leader.election.enable': 'yes'}, /true or false/],
      [{'min.insync.replicas': '0'}, /min\.insync\.replicas.*>= 1/],
      [{'flush.messages': '9223372036854775808'}, /flush\.messages/],
    ];
    for (const [overrides, message] of cases) {
      const err = rejection(overrides);
      expect(err.code).toBe('INVALID_CONFIG');
      expect(err.message).toMatch(message);
    }
  });

  it('accepts Kafka\'s cleanup policies, normalised, and names an unknown one', () => {
    expect(validateTopicConfig({'cleanup.policy': 'compact'}).cleanupPolicy).toBe('compact');
    expect(validateTopicConfig({'cleanup.policy': 'delete, compact'}).cleanupPolicy).toBe('compact,delete');
    expect(rejection({'cleanup.policy': 'compact,purge'}).message).toMatch(/cleanup\.policy.*unknown: "purge"/);
  });

  it('accepts every compression.type Kafka has, and names unknown keys', () => {
    for (const type of ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd']) expect(validateTopicConfig({'compression.type': type}).compressionType).toBe(type);
    expect(rejection({'compression.type': 'GZIP'}).message).toMatch(/compression\.type.*uncompressed, zstd, lz4, snappy, gzip, producer/);
    expect(rejection({'compression.type': 'brotli'}).code).toBe('INVALID_CONFIG');
    const unknown = rejection({'retention.hours': '5'});
    expect(unknown.code).toBe('INVALID_CONFIG');
    expect(unknown.message).toMatch(/unknown topic config "retention\.hours".*retention\.ms/);
    // A server.properties key given as a topic config: the message names the topic config.
    expect(rejection({'log.retention.hours': '5'}).message).toMatch(/unknown topic config "log\.retention\.hours": it is the broker's \(server\.properties\) key; the topic config is retention\.ms/);
  });

  it('accepts every Kafka 3.8 topic config with a valid value, checking types and ranges as Kafka does', () => {
    const names = TOPIC_CONFIGS.map((c) => c.name).sort();
    // TopicConfig's names in Kafka 3.8.
    expect(names).toEqual(
      [
        'cleanup.policy', 'compression.gzip.level', 'compression.lz4.level', 'compression.type', 'compression.zstd.level', 'delete.retention.ms',
        'file.delete.delay.ms', 'flush.messages', 'flush.ms', 'follower.replication.throttled.replicas', 'index.interval.bytes',
        'leader.replication.throttled.replicas', 'local.retention.bytes', 'local.retention.ms', 'max.compaction.lag.ms', 'max.message.bytes',
        'message.downconversion.enable', 'message.format.version', 'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms',
        'message.timestamp.difference.max.ms', 'message.timestamp.type', 'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', 'min.insync.replicas',
        'preallocate', 'remote.storage.enable', 'retention.bytes', 'retention.ms', 'segment.bytes', 'segment.index.bytes', 'segment.jitter.ms', 'segment.ms',
        'unclean.leader.election.enable',
      ].sort(),
    );
    const c = validateTopicConfig({
      'file.delete.delay.ms': '0',
      'index.interval.bytes': '0',
      'local.retention.ms': '-2',
      'local.retention.bytes': '1048576',
      'remote.storage.enable': 'false',
      'compression.gzip.level': '9',
      'compression.lz4.level': '17',
      'compression.zstd.level': '-5',
      preallocate: 'true',
      'leader.replication.throttled.replicas': '*',
      'follower.replication.throttled.replicas': '0:1, 1:2',
    });
    expect(c).toMatchObject({fileDeleteDelayMs: 0, indexIntervalBytes: 0, localRetentionMs: -2, localRetentionBytes: 1048576, remoteStorageEnable: false, compressionGzipLevel: 9, compressionLz4Level: 17, compressionZstdLevel: -5, preallocate: true});
    const cases: [Record<string, string>, RegExp][] = [
      [{'file.delete.delay.ms': '-1'}, /file\.delete\.delay\.ms.*>= 0/],
      [{'index.interval.bytes': '-1'}, /index\.interval\.bytes.*between 0/],
      [{'index.interval.bytes': '2147483648'}, /index\.interval\.bytes/],
      [{'local.retention.ms': '-3'}, /local\.retention\.ms.*>= -2/],
      [{'local.retention.bytes': 'all'}, /local\.retention\.bytes/],
      [{'compression.gzip.level': '0'}, /compression\.gzip\.level.*-1 .* 1 to 9/],
      [{'compression.gzip.level': '10'}, /compression\.gzip\.level/],
      [{'compression.lz4.level': '18'}, /compression\.lz4\.level.*1 to 17/],
      [{'compression.zstd.level': '23'}, /compression\.zstd\.level.*-131072 to 22/],
      [{preallocate: 'yes'}, /preallocate.*true or false/],
      [{'follower.replication.throttled.replicas': '0-1'}, /follower\.replication\.throttled\.replicas must be the literal '\*' or a list/],
      [{'remote.storage.enable': 'true'}, /remote\.storage\.enable.*Tiered Storage functionality is disabled in the broker/],
    ];
    for (const [overrides, message] of cases) {
      const err = rejection(overrides);
      expect(err.code).toBe('INVALID_CONFIG');
      expect(err.message).toMatch(message);
    }
  });

  it('reads the broker-wide topic defaults of server.properties, converted and in Kafka\'s order', () => {
    const d = brokerTopicDefaults({'log.retention.hours': '24', 'message.max.bytes': '2000000', 'log.segment.bytes': '10485760', 'compression.type': 'gzip', 'log.roll.hours': '1', 'num.io.threads': '8'});
    expect(d.values).toEqual({'retention.ms': '86400000', 'max.message.bytes': '2000000', 'segment.bytes': '10485760', 'compression.type': 'gzip', 'segment.ms': '3600000'});
    expect(d.config).toMatchObject({retentionMs: 86400000, maxMessageBytes: 2000000, segmentBytes: 10485760, compressionType: 'gzip', segmentMs: 3600000});
    // ms wins over minutes over hours; any negative retention is unlimited.
    expect(brokerTopicDefaults({'log.retention.hours': '24', 'log.retention.minutes': '30'}).values['retention.ms']).toBe('1800000');
    expect(brokerTopicDefaults({'log.retention.hours': '24', 'log.retention.minutes': '30', 'log.retention.ms': '5000'}).values['retention.ms']).toBe('5000');
    expect(brokerTopicDefaults({'log.retention.hours': '-1'}).values['retention.ms']).toBe('-1');
    // A topic's own override wins over the broker's default.
    expect(validateTopicConfig({'retention.ms': '1000'}, d)).toMatchObject({retentionMs: 1000, maxMessageBytes: 2000000});
    const bad = (config: Record<string, string>) => {
      try {
        brokerTopicDefaults(config);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({'log.retention.hours': 'a day'})).toMatch(/invalid value "a day" for log\.retention\.hours \(the broker default of topic config retention\.ms\)/);
    expect(bad({'log.retention.ms': '0'})).toMatch(/log\.retention\.ms must be -1 \(unlimited\) or at least 1 ms/);
    expect(bad({'log.segment.bytes': '10'})).toMatch(/log\.segment\.bytes.*between 14 .*e\.g\. log\.segment\.bytes=/);
    expect(bad({'compression.type': 'brotli'})).toMatch(/compression\.type/);
  });

  it('accepts Kafka\'s other topic configs with their meaning', () => {
    const c = validateTopicConfig({
      'message.timestamp.difference.max.ms': '3600000',
      'segment.index.bytes': '4096',
      'segment.jitter.ms': '1000',
      preallocate: 'false',
      'message.format.version': '2.8-IV1',
      'message.downconversion.enable': 'false',
      'follower.replication.throttled.replicas': '',
      'delete.retention.ms': '1000',
      'min.cleanable.dirty.ratio': '0.1',
    });
    expect(c).toMatchObject({segmentIndexBytes: 4096, segmentJitterMs: 1000, preallocate: false, messageFormatVersion: '2.8-IV1', messageDownconversionEnable: false, minCleanableDirtyRatio: 0.1});
    expect(timestampBounds(c)).toEqual({beforeMs: 3600000, afterMs: 3600000});
    // The newer before/after configs win over the deprecated difference when set.
    expect(timestampBounds(validateTopicConfig({'message.timestamp.difference.max.ms': '5000', 'message.timestamp.after.max.ms': '10'}))).toEqual({beforeMs: 5000, afterMs: 10});
  });

  it('refuses invalid values of the configs kcollect stores without acting on, naming the config and why', () => {
    expect(rejection({'leader.replication.throttled.replicas': '1:'}).message).toMatch(/leader\.replication\.throttled\.replicas/);
    expect(rejection({'message.format.version': 'latest'}).message).toMatch(/message\.format\.version.*Kafka version/);
    expect(rejection({'segment.index.bytes': '3'}).message).toMatch(/segment\.index\.bytes.*between 4/);
    expect(rejection({'min.cleanable.dirty.ratio': '1.5'}).message).toMatch(/min\.cleanable\.dirty\.ratio.*between 0 and 1/);
  });

  it('lists every config with its value and source', () => {
    const entries = describeTopicConfig({'retention.ms': '1000'});
    expect(entries.map((e) => e.name)).toEqual(TOPIC_CONFIGS.map((c) => c.name));
    expect(entries.find((e) => e.name === 'retention.ms')).toMatchObject({value: '1000', source: 'topic', type: 'LONG'});
    expect(entries.find((e) => e.name === 'segment.bytes')).toMatchObject({value: '1073741824', source: 'default', type: 'INT', readOnly: false, sensitive: false});
    // With the broker's defaults: their source and Kafka's synonyms, highest precedence first.
    const withBroker = describeTopicConfig({'retention.ms': '1000'}, brokerTopicDefaults({'log.retention.hours': '24', 'message.max.bytes': '2000000'}));
    expect(withBroker.find((e) => e.name === 'max.message.bytes')).toMatchObject({
      value: '2000000',
      source: 'broker',
      synonyms: [
        {name: 'message.max.bytes', value: '2000000', source: 'broker'},
        {name: 'message.max.bytes', value: '1048588', source: 'default'},
      ],
    });
    expect(withBroker.find((e) => e.name === 'retention.ms')).toMatchObject({
      value: '1000',
      source: 'topic',
      synonyms: [
        {name: 'retention.ms', value: '1000', source: 'topic'},
        {name: 'log.retention.hours', value: '24', source: 'broker'},
        {name: 'log.retention.hours', value: '168', source: 'default'},
      ],
    });
  });

  it('the README names every config kcollect stores without acting on', () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8').replace(/\s+/g, ' ');
    const paragraph = /\*\*Stored and described but without effect\*\*:(.*?)remote\.storage\.enable accepts only false/.exec(readme)?.[1] ?? '';
    const named = (name: string) => paragraph.includes(name) || (name.endsWith('.replicas') && paragraph.includes(`leader/follower.replication.throttled.replicas`)) || paragraph.includes(name.replace(/\.(ms|bytes)$/, '.ms/bytes'));
    const noEffect = TOPIC_CONFIGS.filter((c) => c.noEffect).map((c) => c.name);
    expect(noEffect.length).toBeGreaterThan(5);
    for (const name of noEffect) expect(named(name), name).toBe(true);
  });
});
