import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {MockPeer} from '../../bench/peers.js';
import {expectUserError, kcollect, kcollectJson} from '../helpers/cli.js';
import {hasCommand, requireTool} from '../helpers/system-deps.js';

// The toolkit against a broker that is not ours: librdkafka's mock cluster (kcat -X
// test.mock.num.brokers) serves produce, fetch, groups and metadata, but no admin APIs.
const haveKcat = requireTool('kcat', hasCommand('kcat'));

describe.runIf(haveKcat)("the toolkit against librdkafka's mock cluster", () => {
  let mock: MockPeer;
  // The mock's keep-alive consumer created this topic (4 partitions).
  const topic = 'warm';

  beforeAll(async () => {
    mock = await MockPeer.start(1);
  }, 30_000);
  afterAll(async () => {
    await mock?.stop();
  });

  it('lists topics, produces, consumes and consumes as a group', async () => {
    const listed = await kcollectJson(mock.bootstrap, ['topic', 'list']);
    expect(JSON.stringify(listed)).toContain(`"${topic}"`);

    const produced = await kcollect(mock.bootstrap, ['produce', topic, '--partition', '0'], {input: 'one\ntwo\nthree\n'});
    expect(produced.code, produced.stderr).toBe(0);

    const read = await kcollect(mock.bootstrap, ['consume', topic, '--partition', '0', '--from', 'earliest', '--count', '3']);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout.trim().split('\n')).toEqual(['one', 'two', 'three']);

    const group = await kcollect(mock.bootstrap, ['consume', topic, '--group', 'mock-readers', '--from', 'earliest', '--count', '3'], {timeoutMs: 90_000});
    expect(group.code, group.stderr).toBe(0);
    expect(group.stdout.trim().split('\n').sort()).toEqual(['one', 'three', 'two']);
  }, 120_000);

  it('names the API the broker lacks instead of calling it unreachable', async () => {
    expectUserError(await kcollect(mock.bootstrap, ['topic', 'create', 'fresh']), /^kcollect: create topic fresh: the broker at \S+ does not support CreateTopics \(API key 19\)$/, 'kcollect broker start');
    expectUserError(await kcollect(mock.bootstrap, ['topic', 'describe', topic]), /does not support DescribeConfigs \(API key 32\)$/, 'kcollect broker start');
  }, 120_000);
});
