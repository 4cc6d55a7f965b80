/**
 * A client.properties made for the Kafka CLI or kcat works as it is: bootstrap.servers says where
 * the cluster is, producer and consumer properties apply where a flag does not say otherwise,
 * tuning properties kcollect has no use for are named as ignored, and a bad value names its key.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {collect, expectUserError, runCli, spawnCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';

let broker: Broker;
let bootstrap: string;
let dataDir: string;
beforeAll(async () => {
  ({broker, bootstrap, dataDir} = await startBroker());
});
afterAll(async () => {
  await broker?.close();
});

/** The first record batch of partition 0 as written: its compression codec and producer id. */
function firstBatch(topic: string): {codec: number; producerId: bigint} {
  const log = fs.readFileSync(path.join(dataDir, `${topic}-0`, '00000000000000000000.log'));
  return {codec: log.readInt16BE(21) & 7, producerId: log.readBigInt64BE(43)};
}

describe('client properties beyond security', () => {
  it('takes bootstrap.servers, compression.type and enable.idempotence from --command-config; a flag wins', async () => {
    const dir = tempDir('client-settings');
    const props = path.join(dir, 'producer.properties');
    fs.writeFileSync(props, [`bootstrap.servers=${bootstrap}`, 'acks=1', 'compression.type=gzip', 'enable.idempotence=false', 'linger.ms=10', 'batch.size=65536', 'value.serializer=org.apache.kafka.common.serialization.StringSerializer', ''].join('\n'));
    const log = path.join(dir, 'driving.log');
    fs.writeFileSync(log, 'one\ntwo\nthree\n');

    // No -b: the brokers come from the file.
    const created = await runCli(['topic', 'create', 'props-gzip', '--partitions', '1', '--command-config', props]);
    expect(created.code, created.stderr).toBe(0);
    const sent = await runCli(['tail-produce', log, '-t', 'props-gzip', '--command-config', props, '--exit', '--position-file', path.join(dir, 'a.json')]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stderr).toMatch(/client property batch\.size does not apply to kcollect \(ignored\)/);
    expect(firstBatch('props-gzip')).toEqual({codec: 1, producerId: -1n});

    await runCli(['topic', 'create', 'props-flags', '--partitions', '1', '--command-config', props]);
    const flagged = await runCli(['tail-produce', log, '-t', 'props-flags', '--command-config', props, '--exit', '--position-file', path.join(dir, 'b.json'), '--compression', 'none', '--acks', 'all', '--idempotent']);
    expect(flagged.code, flagged.stderr).toBe(0);
    const batch = firstBatch('props-flags');
    expect(batch.codec).toBe(0);
    expect(batch.producerId).toBeGreaterThanOrEqual(0n);

    // group.id and auto.offset.reset: consume joins the group, which then has nothing left to read.
    const consumer = path.join(dir, 'consumer.properties');
    fs.writeFileSync(consumer, `bootstrap.servers=${bootstrap}\ngroup.id=props-readers\nauto.offset.reset=earliest\nenable.auto.commit=false\n`);
    const first = await runCli(['consume', 'props-gzip', '--exit', '-f', '%s\\n', '--command-config', consumer]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.split('\n').filter(Boolean)).toEqual(['one', 'two', 'three']);
    const again = await runCli(['consume', 'props-gzip', '--exit', '-f', '%s\\n', '--command-config', consumer]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('');

    // A drain into Kafka compresses as the file says (and stays idempotent: it commits only what Kafka holds).
    const copied = await runCli(['consume', 'props-gzip', '-g', 'copiers', '--to', 'kafka', '--topic', 'props-copy', '--exit', '--command-config', props]);
    expect(copied.code, copied.stderr).toBe(0);
    expect(firstBatch('props-copy').codec).toBe(1);
    expect(firstBatch('props-copy').producerId).toBeGreaterThanOrEqual(0n);
  }, 60_000);

  it('acks 1 or 0 turns the idempotent default off, as the Java producer does; asked for with idempotence, it is refused', async () => {
    const dir = tempDir('client-acks');
    const log = path.join(dir, 'driving.log');
    fs.writeFileSync(log, 'one\ntwo\n');
    await runCli(['topic', 'create', 'acks-one', '--partitions', '1', '-b', bootstrap]);
    const weak = await runCli(['tail-produce', log, '-t', 'acks-one', '-b', bootstrap, '--acks', '1', '--exit', '--position-file', path.join(dir, 'a.json')]);
    expect(weak.code, weak.stderr).toBe(0);
    // Not raised to acks=all behind the user's back: a plain producer (no producer id) sent it.
    expect(firstBatch('acks-one').producerId).toBe(-1n);
    for (const asked of [['--acks', '1', '--idempotent'], ['-X', 'acks=0', '-X', 'enable.idempotence=true']]) {
      const both = await runCli(['tail-produce', log, '-t', 'acks-one', '-b', bootstrap, ...asked, '--exit', '--position-file', path.join(dir, 'b.json')]);
      expectUserError(both, /acks=[01] with idempotence: an idempotent producer waits for acks=all/, '--no-idempotent');
    }
    expectUserError(await runCli(['produce', 'acks-one', '-b', bootstrap, '--acks', '0', '--idempotent'], {input: 'a\n'}), /acks=0 with idempotence/, '--no-idempotent');
  }, 60_000);

  it('a group member takes session.timeout.ms and heartbeat.interval.ms from the client properties', async () => {
    await runCli(['topic', 'create', 'timed', '--partitions', '1', '-b', bootstrap]);
    await runCli(['produce', 'timed', '-b', bootstrap], {input: 'one\n'});
    // Below the broker's group.min.session.timeout.ms: the coordinator's own answer, so the value reached it.
    expectUserError(await runCli(['consume', 'timed', '-g', 'timed-readers', '--exit', '-b', bootstrap, '-X', 'session.timeout.ms=3000']), 'INVALID_SESSION_TIMEOUT (26): join group timed-readers', 'group.min.session.timeout.ms');
    expectUserError(await runCli(['consume', 'timed', '-g', 'timed-drain', '--to', 'file', '--out-dir', tempDir('timed'), '--exit', '-b', bootstrap, '-X', 'session.timeout.ms=7000', '-X', 'heartbeat.interval.ms=9000']), 'heartbeat.interval.ms 9000 is not below session.timeout.ms 7000');
    const read = await runCli(['consume', 'timed', '-g', 'timed-readers', '--exit', '-b', bootstrap, '-X', 'session.timeout.ms=6000']);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toBe('one\n');
    expect(read.stderr).not.toMatch(/ignored/);
  }, 60_000);

  it('a group member offers the assignors of partition.assignment.strategy, under librdkafka\'s or Java\'s names', async () => {
    await runCli(['topic', 'create', 'assigned', '--partitions', '2', '-b', bootstrap]);
    const member = spawnCli(['consume', 'assigned', '-g', 'ranged', '-b', bootstrap, '-X', 'partition.assignment.strategy=org.apache.kafka.clients.consumer.RangeAssignor']);
    const done = collect(member);
    try {
      await until(() => broker.groups.describeGroup('ranged').state === 'Stable', 'the consumer to join');
      const described = await runCli(['group', 'describe', 'ranged', '--json', '-b', bootstrap]);
      expect(described.code, described.stderr).toBe(0);
      expect(JSON.parse(described.stdout)).toMatchObject({group: 'ranged', protocol: 'range'});
      // A member that offers none of the group's assignors is refused, and told what to do.
      expectUserError(await runCli(['consume', 'assigned', '-g', 'ranged', '--exit', '-b', bootstrap, '-X', 'partition.assignment.strategy=cooperative-sticky']), 'INCONSISTENT_GROUP_PROTOCOL (23): join group ranged', 'partition.assignment.strategy');
    } finally {
      member.kill('SIGINT');
      await done;
    }
    expectUserError(
      await runCli(['consume', 'assigned', '-g', 'robin', '--exit', '-b', bootstrap, '-X', 'partition.assignment.strategy=cooperative-sticky,roundrobin']),
      "-X: partition.assignment.strategy roundrobin is not an assignor kcollect's group members have",
      'partition.assignment.strategy=cooperative-sticky',
    );
  }, 60_000);

  it('names the key of a bad value', async () => {
    expectUserError(await runCli(['produce', 'x', '-b', bootstrap, '-X', 'acks=2'], {input: 'a\n'}), '-X: acks "2" is not one of all, -1, 1, 0', 'acks=all');
    expectUserError(await runCli(['consume', 'x', '-b', bootstrap, '-X', 'auto.offset.reset=none', '--exit']), '-X: auto.offset.reset "none" is not earliest or latest');
  });
});
