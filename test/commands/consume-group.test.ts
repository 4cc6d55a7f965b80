import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startBroker} from '../helpers/broker.js';
import {expectUserError, kcollect} from '../helpers/cli.js';

describe('kcollect consume --group', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 3});
    await env.broker.createTopic('orders', 3, {});
  });
  afterAll(async () => {
    await env.broker.close();
  });

  const lines = (from: number, to: number) => Array.from({length: to - from}, (_, i) => `car${i % 7},order-${from + i}`);

  it('commits what it printed: a second run prints only what came after', async () => {
    await kcollect(env.bootstrap, ['produce', 'orders', '--key-delimiter', ','], {input: lines(0, 30).join('\n')});
    const first = await kcollect(env.bootstrap, ['consume', 'orders', '--group', 'billing', '--exit']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n').sort()).toEqual(lines(0, 30).map((l) => l.split(',')[1]).sort());

    await kcollect(env.bootstrap, ['produce', 'orders', '--key-delimiter', ','], {input: lines(30, 35).join('\n')});
    const second = await kcollect(env.bootstrap, ['consume', 'orders', '--group', 'billing', '--exit']);
    expect(second.stdout.trim().split('\n').sort()).toEqual(lines(30, 35).map((l) => l.split(',')[1]).sort());

    const committed = env.broker.groups.fetchOffsets('billing', null).offsets;
    expect(committed.reduce((n, o) => n + o.offset, 0)).toBe(35);
    expect(env.broker.groups.describeGroup('billing').state).toBe('Empty');
  }, 60_000);

  it('--to kafka without --exactly-once commits what Kafka acknowledged: --exit ends, a second run copies only what came after', async () => {
    await kcollect(env.bootstrap, ['produce', 'orders-in', '--key-delimiter', ','], {input: lines(0, 20).join('\n')});
    const first = await kcollect(env.bootstrap, ['consume', 'orders-in', '--group', 'copier', '--to', 'kafka', '--topic', 'orders-out', '--exit']);
    expect(first.code, first.stderr).toBe(0);
    await kcollect(env.bootstrap, ['produce', 'orders-in', '--key-delimiter', ','], {input: lines(20, 25).join('\n')});
    const second = await kcollect(env.bootstrap, ['consume', 'orders-in', '--group', 'copier', '--to', 'kafka', '--topic', 'orders-out', '--exit']);
    expect(second.code, second.stderr).toBe(0);
    const copied = await kcollect(env.bootstrap, ['consume', 'orders-out', '--exit', '-f', '%s\n']);
    expect(copied.stdout.trim().split('\n').sort()).toEqual(lines(0, 25).map((l) => l.split(',')[1]).sort());
  }, 60_000);

  it('--count stops after N records and commits exactly those', async () => {
    const r = await kcollect(env.bootstrap, ['consume', 'orders', '--group', 'sampler', '--count', '4']);
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
    const committed = env.broker.groups.fetchOffsets('sampler', null).offsets;
    expect(committed.reduce((n, o) => n + o.offset, 0)).toBe(4);
  }, 60_000);

  it('refuses --from positions a group cannot start at, and --partition', async () => {
    expectUserError(await kcollect(env.bootstrap, ['consume', 'orders', '--group', 'x', '--from', '-5']), /with --group, --from takes beginning or end/, 'group reset-offsets');
    expectUserError(await kcollect(env.bootstrap, ['consume', 'orders', '--group', 'x', '--partition', '1']), /--partition cannot be used with --group/);
  });
});
