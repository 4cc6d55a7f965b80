import {describe, expect, it} from 'vitest';
import {DEFAULT_TOPIC_CONFIG, describeTopicConfig, timestampBounds, TOPIC_CONFIGS, validateTopicConfig} from '../../src/storage/topic-config.js';

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

  it('rejects broker-side compression clearly, and unknown keys', () => {
    expect(rejection({'compression.type': 'gzip'}).message).toMatch(/compression\.type=gzip is not supported.*compression\.type=producer/);
    const unknown = rejection({'retention.hours': '5'});
    expect(unknown.code).toBe('INVALID_CONFIG');
    expect(unknown.message).toMatch(/unknown topic config "retention\.hours".*retention\.ms/);
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

  it('refuses the topic configs kcollect cannot honour, naming the config and why', () => {
    expect(rejection({preallocate: 'true'}).message).toMatch(/topic config preallocate: kcollect does not preallocate segment files.*preallocate=false/);
    expect(rejection({'follower.replication.throttled.replicas': '0:1,1:2'}).message).toMatch(/follower\.replication\.throttled\.replicas: replication throttling is not implemented/);
    expect(rejection({'leader.replication.throttled.replicas': '*'}).message).toMatch(/leader\.replication\.throttled\.replicas/);
    expect(rejection({'message.format.version': 'latest'}).message).toMatch(/message\.format\.version.*Kafka version/);
    expect(rejection({'segment.index.bytes': '3'}).message).toMatch(/segment\.index\.bytes.*between 4/);
    expect(rejection({'min.cleanable.dirty.ratio': '1.5'}).message).toMatch(/min\.cleanable\.dirty\.ratio.*between 0 and 1/);
  });

  it('lists every config with its value and source', () => {
    const entries = describeTopicConfig({'retention.ms': '1000'});
    expect(entries.map((e) => e.name)).toEqual(TOPIC_CONFIGS.map((c) => c.name));
    expect(entries.find((e) => e.name === 'retention.ms')).toMatchObject({value: '1000', source: 'topic', type: 'LONG'});
    expect(entries.find((e) => e.name === 'segment.bytes')).toMatchObject({value: '1073741824', source: 'default', type: 'INT', readOnly: false, sensitive: false});
  });
});
