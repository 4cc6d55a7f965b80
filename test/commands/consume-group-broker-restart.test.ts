/**
 * `kcollect consume -g` (to stdout) across a restart of its only broker: it does not exit when the
 * broker is away long enough for its reading to end, says on stderr that it waits, and reads on
 * from the group's last commit once the broker is back on the same port and data dir.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startBroker} from '../helpers/broker.js';
import {kcollect, spawnCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';

describe('kcollect consume --group across a broker restart', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 2});
    await env.broker.createTopic('orders', 2, {});
  });
  afterAll(async () => {
    await env.broker.close();
  });

  const lines = (from: number, to: number) => Array.from({length: to - from}, (_, i) => `order-${from + i}`);
  const produce = async (values: string[]) => {
    const r = await kcollect(env.bootstrap, ['produce', 'orders'], {input: values.join('\n')});
    expect(r.code, r.stderr).toBe(0);
  };

  it('waits while the broker is down, saying so on stderr, then prints what follows; the group commits every record', async () => {
    await produce(lines(0, 20));
    const child = spawnCli(['consume', 'orders', '--group', 'billing'], {env: {KCOLLECT_BROKERS: env.bootstrap}});
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code) => {
        exitCode = code;
        resolve();
      }),
    );
    const printed = () => new Set(stdout.split('\n').filter(Boolean));
    try {
      await until(() => printed().size === 20, 'the first 20 records to be printed');

      // Down long enough for the reading itself to end (its fetch gives up), not only the joins.
      const port = Number(env.bootstrap.split(':')[1]);
      await env.broker.close();
      await until(() => /Kafka is out of reach .*reading group billing again from its last commit/.test(stderr) || exitCode !== undefined, 'the consumer to say it waits (or to exit)', 90_000);
      expect(exitCode, stderr).toBeUndefined();

      env = await startBroker({port, dataDir: env.dataDir});
      await produce(lines(20, 40));
      await until(() => printed().size === 40, 'every record to be printed', 90_000);
      await until(() => env.broker.groups.fetchOffsets('billing', null).offsets.reduce((n, o) => n + o.offset, 0) === 40, 'the group to commit every record');
      expect(stderr).toMatch(/joined group billing again/);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
    expect(exitCode, stderr).toBe(0);
    // Printed at least once (a record printed while its commit could not go through is printed again).
    expect([...printed()].sort()).toEqual(lines(0, 40).sort());
  }, 180_000);
});
