import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {OFFSETS_TOPIC} from '../../src/protocol/consumer-offsets.js';
import {startBroker, tempDir} from '../helpers/broker.js';

describe('a data dir of an earlier version (groups.log)', () => {
  it('moves its groups and offsets into __consumer_offsets once, then reads them from the topic alone', async () => {
    const dataDir = tempDir('migrate');
    // The JSON lines the old store wrote, the last one torn by a crash (never acknowledged).
    const lines = [
      {type: 'group', group: {groupId: 'old', protocolType: 'consumer', protocolName: 'range', generationId: 7}},
      {type: 'offsets', group: 'old', offsets: [{topic: 'cars', partition: 1, offset: 42, leaderEpoch: -1, metadata: 'kept', commitTimestamp: 1}]},
    ].map((l) => JSON.stringify(l) + '\n');
    fs.mkdirSync(path.join(dataDir, '__consumer_offsets'), {recursive: true});
    fs.writeFileSync(path.join(dataDir, '__consumer_offsets', 'groups.log'), lines.join('') + '{"type":"offsets","group":"old","offs');

    const first = await startBroker({dataDir});
    expect(first.broker.logs.topic(OFFSETS_TOPIC)?.partitions).toBe(50);
    expect(first.broker.groups.fetchOffsets('old', [{topic: 'cars', partition: 1}]).offsets[0]).toMatchObject({offset: 42, metadata: 'kept'});
    expect(fs.existsSync(path.join(dataDir, '__consumer_offsets', 'groups.log'))).toBe(false);
    expect(first.logs.join('\n')).toMatch(/moved 1 committed offset\(s\) of 1 group\(s\)/);
    await first.broker.close();

    // Restarted, it has only the topic to go by.
    const second = await startBroker({dataDir});
    expect(second.broker.groups.fetchOffsets('old', [{topic: 'cars', partition: 1}]).offsets[0]).toMatchObject({offset: 42, metadata: 'kept'});
    expect(second.broker.groups.listGroups()).toEqual([{groupId: 'old', protocolType: 'consumer', state: 'Empty'}]);
    expect(second.logs.join('\n')).not.toMatch(/moved/);
    await second.broker.close();
  });
});
