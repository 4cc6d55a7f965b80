import {describe, expect, it} from 'vitest';
import {DEFAULT_TOPIC_CONFIG, describeTopicConfig, TOPIC_CONFIGS, validateTopicConfig} from '../../src/storage/topic-config.js';

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

  it('rejects compaction and broker-side compression clearly, and unknown keys', () => {
    expect(rejection({'cleanup.policy': 'compact'}).message).toMatch(/compaction.*not supported.*cleanup\.policy=delete/);
    expect(rejection({'cleanup.policy': 'delete,compact'}).message).toMatch(/not supported/);
    expect(rejection({'compression.type': 'gzip'}).message).toMatch(/compression\.type=gzip is not supported.*compression\.type=producer/);
    const unknown = rejection({'retention.hours': '5'});
    expect(unknown.code).toBe('INVALID_CONFIG');
    expect(unknown.message).toMatch(/unknown topic config "retention\.hours".*retention\.ms/);
  });

  it('lists every config with its value and source', () => {
    const entries = describeTopicConfig({'retention.ms': '1000'});
    expect(entries.map((e) => e.name)).toEqual(TOPIC_CONFIGS.map((c) => c.name));
    expect(entries.find((e) => e.name === 'retention.ms')).toMatchObject({value: '1000', source: 'topic', type: 'LONG'});
    expect(entries.find((e) => e.name === 'segment.bytes')).toMatchObject({value: '1073741824', source: 'default', type: 'INT', readOnly: false, sensitive: false});
  });
});
