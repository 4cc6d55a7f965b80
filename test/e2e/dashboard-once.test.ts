import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ClusterSnapshot} from '../../src/telemetry/cluster-snapshot.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {runCli} from '../helpers/cli.js';

describe('kcollect dashboard off a TTY, and kcollect status', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  const cwd = tempDir('status');

  beforeAll(async () => {
    env = await startBroker();
    await env.broker.createTopic('orders', 2, {});
    // A drain that stopped cleanly left its last status behind.
    fs.mkdirSync(path.join(cwd, '.kcollect', 'status'), {recursive: true});
    fs.writeFileSync(
      path.join(cwd, '.kcollect', 'status', 'drain-archiver.json'),
      JSON.stringify({name: 'drain-archiver', kind: 'drain', pid: 1, startedAt: '', updatedAt: new Date().toISOString(), state: 'stopped', components: [{kind: 'DRAIN', name: 'archiver', type: 'file', state: 'ok', counters: {EventDrainSuccessCount: 12, Backlog: 0}}]}),
    );
  });
  afterAll(() => env.broker.close());

  it('dashboard with stdout a pipe prints one plain snapshot and exits', async () => {
    const r = await runCli(['dashboard', '-b', env.bootstrap, '--data-dir', env.dataDir], {cwd});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/BROKERS\n\s+ID\s+ADDRESS\s+CONTROLLER\s+STATE\n\s+\d+\s+\S+\s+yes\s+up/);
    expect(r.stdout).toMatch(/orders\s+2\s+-\s+0\s+0\s+0 B\s+0/);
    expect(r.stdout).toMatch(/drain-archiver\s+drain\s+stopped\s+-\s+-\s+-\s+archiver:stopped backlog 0/);
    expect(r.stdout).not.toMatch(/\u001B\[/);
  });

  it('status --json prints the snapshot: brokers, topics with partitions, pipelines', async () => {
    const r = await runCli(['status', '--json', '-b', env.bootstrap], {cwd});
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as ClusterSnapshot;
    expect(s.brokers.items).toEqual([{id: expect.any(Number), address: env.bootstrap, controller: true, up: true}]);
    const orders = s.topics.items.find((t) => t.name === 'orders')!;
    expect(orders.partitions.map((p) => [p.partition, p.isr.length, p.logEnd])).toEqual([
      [0, 1, 0],
      [1, 1, 0],
    ]);
    expect(s.pipelines.items).toMatchObject([{name: 'drain-archiver', state: 'stopped', eventsOut: 12}]);
    expect(s.zookeeper.connectString).toBeNull();
  });

  it('partition sizes come from the broker (DescribeLogDirs), without --data-dir', async () => {
    await env.broker.createTopic('sized', 1, {});
    expect((await runCli(['produce', 'sized', '-b', env.bootstrap], {cwd, input: 'one\ntwo\nthree\n'})).code).toBe(0);
    const r = await runCli(['status', '--json', '-b', env.bootstrap], {cwd});
    const sized = (JSON.parse(r.stdout) as ClusterSnapshot).topics.items.find((t) => t.name === 'sized')!;
    expect(sized.sizeBytes).toBe(env.broker.logs.partition('sized', 0)!.sizeBytes);
    expect(sized.sizeBytes).toBeGreaterThan(0);
  });

  it('with no broker the Kafka panels say so and the rest still prints', async () => {
    const r = await runCli(['status', '-b', '127.0.0.1:1'], {cwd});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/BROKERS\n\s+error: no Kafka broker answers at 127\.0\.0\.1:1 \(ECONNREFUSED\)\n/);
    // Not wrapped in itself ("... at X (no Kafka broker answers at X (...))").
    expect(r.stdout).not.toMatch(/answers at [^\n]*answers at/);
    expect(r.stdout).toContain('drain-archiver');
  });
});
