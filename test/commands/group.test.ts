import net from 'node:net';
import kafkajs from 'kafkajs';
import type {Admin, Consumer, Kafka as KafkaClient, Producer} from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {UserError} from '../../src/lib/errors.js';
import {parseDatetime, parseIsoDuration, parseResetMode, parseTopicSpecs} from '../../src/services/group-service.js';
import {startBroker} from '../helpers/broker.js';
import {expectUserError, kcollect, kcollectJson} from '../helpers/cli.js';

const {Kafka, logLevel} = kafkajs;

const HOUR = 3_600_000;
const MIN = 60_000;

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const {port} = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function until(what: string, cond: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kcollect group', () => {
  let broker: Broker;
  let bootstrap: string;
  let kafka: KafkaClient;
  let admin: Admin;
  let producer: Producer;
  let member: Consumer | undefined;
  // Record timestamps of the `resets` topic are relative to this.
  const now = Date.now();

  const cli = (...args: string[]) => kcollect(bootstrap, args);
  const json = <T = any>(...args: string[]) => kcollectJson<T>(bootstrap, args);
  /** partition -> committed offset of `group` on `topic` (-1: none). */
  const committed = async (group: string, topic: string) =>
    Object.fromEntries((await admin.fetchOffsets({groupId: group, topics: [topic]}))[0].partitions.map((p) => [p.partition, Number(p.offset)]));
  const send = (topic: string, partition: number, values: Array<{value: string; timestamp?: number}>) =>
    producer.send({topic, messages: values.map((v) => ({partition, value: v.value, timestamp: v.timestamp === undefined ? undefined : String(v.timestamp)}))});

  beforeAll(async () => {
    ({broker, bootstrap} = await startBroker({autoCreateTopics: false}));
    kafka = new Kafka({clientId: 'car-drainer', brokers: [bootstrap], logLevel: logLevel.NOTHING});
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
    await admin.createTopics({topics: [{topic: 'driving', numPartitions: 3}, {topic: 'resets', numPartitions: 2}]});
    // resets/0: offsets 0-5, resets/1: offsets 0-3, with timestamps in the past.
    await send('resets', 0, [5 * HOUR, 4 * HOUR, 3 * HOUR, 2 * HOUR, HOUR, MIN].map((ago, i) => ({value: `r0-${i}`, timestamp: now - ago})));
    await send('resets', 1, [5 * HOUR, 3 * HOUR, 90 * MIN, MIN / 2].map((ago, i) => ({value: `r1-${i}`, timestamp: now - ago})));
    await send('driving', 0, ['a', 'b', 'c', 'd', 'e'].map((value) => ({value})));
    await send('driving', 1, ['a', 'b', 'c'].map((value) => ({value})));

    // The group whose offsets the reset tests move: Empty, committed resets/0=4, resets/1=1.
    // kafkajs' setOffsets joins the group once (seconds), so it runs while the member starts.
    const seeded = admin.setOffsets({groupId: 'replay', topic: 'resets', partitions: [{partition: 0, offset: '4'}, {partition: 1, offset: '1'}]});

    // A live member of `drainer` that read and committed everything, then paused; records
    // produced afterwards are its lag.
    // A short fetch wait so that disconnect() (which waits for the paused fetch loop) is quick.
    member = kafka.consumer({groupId: 'drainer', maxWaitTimeInMs: 100});
    await member.connect();
    await member.subscribe({topics: ['driving'], fromBeginning: true});
    await member.run({eachMessage: async () => {}});
    await until('the member to commit driving/0=5 and driving/1=3', async () => {
      const c = await committed('drainer', 'driving');
      return c[0] === 5 && c[1] === 3;
    });
    member.pause([{topic: 'driving'}]);
    await send('driving', 0, ['f', 'g', 'h', 'i'].map((value) => ({value})));
    await send('driving', 2, ['x', 'y', 'z'].map((value) => ({value})));
    await seeded;
  });

  afterAll(async () => {
    await member?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.close();
  });

  it('lists groups with state and members (human and --json)', async () => {
    const [human, listed] = await Promise.all([cli('group', 'list'), json('group', 'list')]);
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^GROUP\s+STATE\s+MEMBERS\s+PROTOCOL-TYPE$/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^drainer\s+Stable\s+1\s+consumer$/), expect.stringMatching(/^replay\s+Empty\s+0\s+consumer$/)]);
    expect(listed).toEqual({
      groups: [
        {group: 'drainer', state: 'Stable', protocolType: 'consumer', members: 1},
        {group: 'replay', state: 'Empty', protocolType: 'consumer', members: 0},
      ],
    });
  });

  it('describes a live group: state, member host and assignment, committed, end and lag per partition', async () => {
    const [d, human] = await Promise.all([json('group', 'describe', 'drainer'), cli('group', 'describe', 'drainer')]);
    expect(d.state).toBe('Stable');
    expect(d.protocolType).toBe('consumer');
    expect(d.members).toHaveLength(1);
    const m = d.members[0];
    expect(m).toMatchObject({clientId: 'car-drainer', host: '/127.0.0.1', assignment: [{topic: 'driving', partitions: [0, 1, 2]}]});
    const owner = {memberId: m.memberId, clientId: 'car-drainer', host: '/127.0.0.1'};
    // driving/0: committed 5, end 9; driving/1: committed 3, end 3; driving/2: owned, never
    // committed, 3 records since the start.
    expect(d.offsets).toEqual([
      {topic: 'driving', partition: 0, committed: 5, logStart: 0, logEnd: 9, lag: 4, ...owner},
      {topic: 'driving', partition: 1, committed: 3, logStart: 0, logEnd: 3, lag: 0, ...owner},
      {topic: 'driving', partition: 2, committed: null, logStart: 0, logEnd: 3, lag: 3, ...owner},
    ]);
    expect(d.totalLag).toBe(7);

    expect(human.code).toBe(0);
    const out = human.stdout;
    expect(out).toMatch(/^SUMMARY\n=======\nGROUP\s+drainer\nSTATE\s+Stable\n/);
    expect(out).toMatch(/^MEMBERS\s+1$/m);
    expect(out).toMatch(/^TOTAL-LAG\s+7$/m);
    expect(out).toMatch(/\nMEMBERS\n=======\nMEMBER-ID\s+CLIENT-ID\s+HOST\s+ASSIGNMENT\n/);
    expect(out).toContain(`${m.memberId}  car-drainer  /127.0.0.1  driving:0,1,2`);
    expect(out).toMatch(/\nOFFSETS\n=======\nTOPIC\s+PARTITION\s+COMMITTED\s+LOG-START\s+LOG-END\s+LAG\s+MEMBER-ID\s+CLIENT-ID\s+HOST\n/);
    expect(out).toMatch(new RegExp(`^driving\\s+0\\s+5\\s+0\\s+9\\s+4\\s+${m.memberId}\\s+car-drainer\\s+/127\\.0\\.0\\.1$`, 'm'));
    expect(out).toMatch(/^driving\s+2\s+-\s+0\s+3\s+3\s+\S+\s+car-drainer/m);
  });

  it('refuses to reset offsets or delete the group while a member is alive', async () => {
    const [dry, exec, del] = await Promise.all([
      cli('group', 'reset-offsets', 'drainer', '--topic', 'driving', '--to-earliest'),
      cli('group', 'reset-offsets', 'drainer', '--topic', 'driving', '--to-earliest', '--execute'),
      cli('group', 'delete', 'drainer'),
    ]);
    expectUserError(dry, 'group drainer has 1 live member; stop them first', 'kcollect group describe drainer');
    expectUserError(exec, 'group drainer has 1 live member; stop them first', 'kcollect group describe drainer');
    expectUserError(del, 'delete group drainer: NON_EMPTY_GROUP (68)', 'stop its consumers first');
    expect(await committed('drainer', 'driving')).toEqual({0: 5, 1: 3, 2: -1});
  });

  it('describes the group as Empty once the member left, with the offsets it committed', async () => {
    await member!.disconnect();
    member = undefined;
    const d = await json('group', 'describe', 'drainer');
    expect(d).toMatchObject({group: 'drainer', state: 'Empty', members: [], totalLag: 4});
    // As kafka-consumer-groups.sh takes it: --group G (or -g) instead of the argument.
    expect(await json('group', 'describe', '--group', 'drainer')).toEqual(d);
    expectUserError(await cli('group', 'describe', 'drainer', '-g', 'other'), 'two groups given: drainer and -g other');
    expectUserError(await cli('group', 'delete'), 'no group given', '-g GROUP');
    expect(d.offsets).toEqual([
      {topic: 'driving', partition: 0, committed: 5, logStart: 0, logEnd: 9, lag: 4, memberId: null, clientId: null, host: null},
      {topic: 'driving', partition: 1, committed: 3, logStart: 0, logEnd: 3, lag: 0, memberId: null, clientId: null, host: null},
    ]);
  });

  it('every reset mode as a dry run: before/after per partition, nothing committed', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const reset = (...args: string[]) => json('group', 'reset-offsets', 'replay', ...args);
    const [results, human] = await Promise.all([
      Promise.all([
        reset('--topic', 'resets', '--to-latest'),
        reset('--topic', 'resets', '--to-offset', '5'),
        reset('--topic', 'resets', '--shift-by', '-2'),
        reset('--topic', 'resets', '--to-datetime', iso(now - 3.5 * HOUR)),
        reset('--all-topics', '--by-duration', 'PT2H30M'),
        reset('--topic', 'resets', '--to-datetime', '2999-01-01T00:00:00Z'),
      ]),
      cli('group', 'reset-offsets', 'replay', '--topic', 'resets', '--to-earliest'),
    ]);
    const afters = results.map((r) => Object.fromEntries(r.partitions.map((p: any) => [p.partition, p.after])));
    expect(afters).toEqual([
      {0: 6, 1: 4}, // latest
      {0: 5, 1: 4}, // offset 5, clamped to resets/1's end
      {0: 2, 1: 0}, // 4-2, and 1-2 clamped to the log start
      {0: 2, 1: 1}, // first record at or after now-3.5h: resets/0 @-3h, resets/1 @-3h
      {0: 3, 1: 2}, // now-2.5h: resets/0 @-2h, resets/1 @-90m
      {0: 6, 1: 4}, // no record that late: the log end
    ]);
    for (const r of results) {
      expect(r.group).toBe('replay');
      expect(r.executed).toBe(false);
      for (const p of r.partitions) expect(p).toMatchObject({topic: 'resets', logStart: 0, logEnd: p.partition === 0 ? 6 : 4, before: p.partition === 0 ? 4 : 1});
    }
    expect(results[1].mode).toEqual({kind: 'to-offset', offset: 5});
    expect(results[4].mode).toMatchObject({kind: 'by-duration', duration: 'PT2H30M'});
    expect(Math.abs(results[4].mode.timestamp - (Date.now() - 2.5 * HOUR))).toBeLessThan(MIN);

    expect(human.stderr).toBe('');
    expect(human.stdout).toBe(
      [
        'TOPIC   PARTITION  LOG-START  LOG-END  BEFORE  AFTER',
        'resets  0          0          6        4       0',
        'resets  1          0          4        1       0',
        '',
        'dry run: nothing was changed; add --execute to commit these offsets',
        '',
      ].join('\n'),
    );
    expect(await committed('replay', 'resets')).toEqual({0: 4, 1: 1});
    // An offset past a partition's end is moved to it, and said, as kafka-consumer-groups.sh says it.
    const clamped = await cli('group', 'reset-offsets', 'replay', '--topic', 'resets', '--to-offset', '5');
    expect(clamped.stderr).toBe('kcollect: warning: offset 5 is past the end of resets:1 [0, 4]; it is set to 4\n');

    // kafka-consumer-groups.sh's --dry-run: the default, said out loud; never with --execute.
    const [dryRun, both] = await Promise.all([
      cli('group', 'reset-offsets', 'replay', '--topic', 'resets', '--to-earliest', '--dry-run'),
      cli('group', 'reset-offsets', 'replay', '--topic', 'resets', '--to-earliest', '--dry-run', '--execute'),
    ]);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toBe(human.stdout);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--execute=true cannot also be provided when using --dry-run/);
    expect(await committed('replay', 'resets')).toEqual({0: 4, 1: 1});
  });

  it('every reset mode with --execute commits the new offsets', async () => {
    const execute = async (...args: string[]) => {
      const r = await json('group', 'reset-offsets', 'replay', ...args, '--execute');
      expect(r.executed).toBe(true);
      return committed('replay', 'resets');
    };
    // Human output, and the topic list from the environment (space-separated specs).
    const human = await kcollect(bootstrap, ['group', 'reset-offsets', 'replay', '--to-earliest', '--execute'], {env: {KCOLLECT_RESET_TOPIC: 'resets:0 resets:1'}});
    expect(human.stderr).toBe('');
    expect(human.stdout).toMatch(/^resets\s+0\s+0\s+6\s+4\s+0$/m);
    expect(human.stdout).toMatch(/\ncommitted 2 offsets for group replay\n$/);
    expect(await committed('replay', 'resets')).toEqual({0: 0, 1: 0});
    expect(await execute('--topic', 'resets', '--shift-by', '2')).toEqual({0: 2, 1: 2});
    expect(await execute('--topic', 'resets:0', '--to-offset', '5')).toEqual({0: 5, 1: 2});
    expect(await execute('--all-topics', '--to-latest')).toEqual({0: 6, 1: 4});
    expect(await execute('--topic', 'resets', '--to-datetime', new Date(now - 3.5 * HOUR).toISOString())).toEqual({0: 2, 1: 1});
    expect(await execute('--topic', 'resets', '--by-duration', 'PT2H30M')).toEqual({0: 3, 1: 2});

    // --execute alone has no environment variable: this stays a dry run.
    const dry = await kcollectJson(bootstrap, ['group', 'reset-offsets', 'replay', '--to-latest'], {env: {KCOLLECT_RESET_TOPIC: 'resets', KCOLLECT_RESET_EXECUTE: 'true', KCOLLECT_EXECUTE: 'true'}});
    expect(dry.executed).toBe(false);
    expect(await committed('replay', 'resets')).toEqual({0: 3, 1: 2});
  });

  it('reset-offsets rejects bad input with one line and a hint', async () => {
    const results = await Promise.all(
      [
        ['--topic', 'resets'],
        ['--to-earliest'],
        ['--topic', 'resets', '--by-duration', '10m'],
        ['--topic', 'resets:0,9', '--to-earliest'],
        ['--topic', 'nope', '--to-earliest'],
      ].map((args) => cli('group', 'reset-offsets', 'replay', ...args)),
    );
    expectUserError(results[0], 'say where to reset the offsets to', '--to-earliest');
    expectUserError(results[1], 'say which topics to reset', '--all-topics');
    expectUserError(results[2], '--by-duration "10m" is not an ISO-8601 duration', 'PT10M');
    expectUserError(results[3], 'topic resets has no partition 9 (it has partitions 0-1)');
    expectUserError(results[4], 'topic "nope" does not exist (UNKNOWN_TOPIC_OR_PARTITION)');
    // --shift-by needs a committed offset to move from.
    expectUserError(await cli('group', 'reset-offsets', 'fresh', '--topic', 'resets', '--shift-by', '1'), 'cannot shift resets:0, resets:1: group fresh has no committed offset there');
  });

  it('deletes an empty group', async () => {
    const human = await cli('group', 'delete', 'drainer');
    expect(human.stderr).toBe('');
    expect(human.stdout).toMatch(/^GROUP\s+STATUS\ndrainer\s+OK\n$/);
    expect(await json('group', 'delete', 'replay')).toEqual({group: 'replay', deleted: true});
    expect(await json('group', 'list')).toEqual({groups: []});
    expect(await committed('replay', 'resets')).toEqual({0: -1, 1: -1});
  });

  it('an unknown group is one line with a hint, exit 1', async () => {
    const [describe, reset, del] = await Promise.all([
      cli('group', 'describe', 'nope', '--json'),
      cli('group', 'reset-offsets', 'nope', '--all-topics', '--to-earliest'),
      cli('group', 'delete', 'nope'),
    ]);
    for (const r of [describe, reset]) expectUserError(r, 'no consumer group nope', 'kcollect group list');
    expectUserError(del, 'no consumer group nope: GROUP_ID_NOT_FOUND (69)', 'kcollect group list');
  });

  it('an unreachable broker is one line with a hint, exit 1', async () => {
    const port = await closedPort();
    const results = await Promise.all(
      [
        ['group', 'list'],
        ['group', 'reset-offsets', 'g', '--topic', 't', '--to-earliest', '--execute'],
        ['group', 'delete', 'g'],
      ].map((args) => kcollect(`127.0.0.1:${port}`, args)),
    );
    for (const r of results) expectUserError(r, `no Kafka broker answers at 127.0.0.1:${port}`, 'start one with `kcollect broker start`, or pass -b HOST:PORT');
  });
});

describe('group-service parsers', () => {
  it('ISO-8601 durations', () => {
    expect(parseIsoDuration('PT10M')).toBe(10 * MIN);
    expect(parseIsoDuration('PT1H30M')).toBe(90 * MIN);
    expect(parseIsoDuration('P1D')).toBe(24 * HOUR);
    expect(parseIsoDuration('P1DT12H')).toBe(36 * HOUR);
    expect(parseIsoDuration('P2W')).toBe(14 * 24 * HOUR);
    expect(parseIsoDuration('pt0.5s')).toBe(500);
    for (const bad of ['10m', 'P', 'PT', 'P1M', 'P1Y', 'PT-5M', 'P1DT', '']) expect(() => parseIsoDuration(bad), bad).toThrow(UserError);
  });

  it('date-times: ISO with a zone, local ISO, epoch milliseconds', () => {
    expect(parseDatetime('2024-05-01T08:00:00Z')).toBe(Date.UTC(2024, 4, 1, 8));
    expect(parseDatetime('2024-05-01T08:00:00.250+09:00')).toBe(Date.UTC(2024, 4, 1, -1, 0, 0, 250));
    expect(parseDatetime('2024-05-01T08:00:00')).toBe(new Date(2024, 4, 1, 8).getTime());
    expect(parseDatetime('1714550400000')).toBe(1714550400000);
    for (const bad of ['yesterday', '2024-13-45T99:00:00Z', '']) expect(() => parseDatetime(bad), bad).toThrow(UserError);
  });

  it('exactly one reset mode; --by-duration is now minus the duration', () => {
    expect(parseResetMode({toEarliest: true, toLatest: false})).toEqual({kind: 'to-earliest'});
    expect(parseResetMode({shiftBy: -3})).toEqual({kind: 'shift-by', shift: -3});
    expect(parseResetMode({byDuration: 'PT10M'}, 1_000_000_000)).toEqual({kind: 'by-duration', duration: 'PT10M', timestamp: 1_000_000_000 - 10 * MIN});
    expect(() => parseResetMode({})).toThrow('say where to reset the offsets to');
    expect(() => parseResetMode({toEarliest: true, toOffset: 3})).toThrow('pass only one of');
    expect(() => parseResetMode({toOffset: -1})).toThrow('--to-offset -1 is not an offset');
  });

  it('--topic specs: T, T:0,1, merged repeats, space-separated from the env var', () => {
    expect(parseTopicSpecs(['orders', 'payments:1,0'])).toEqual([{topic: 'orders'}, {topic: 'payments', partitions: [0, 1]}]);
    expect(parseTopicSpecs(['a:0', 'a:2', 'b:1', 'b'])).toEqual([{topic: 'a', partitions: [0, 2]}, {topic: 'b'}]);
    expect(parseTopicSpecs('orders:0,1 payments')).toEqual([{topic: 'orders', partitions: [0, 1]}, {topic: 'payments'}]);
    expect(parseTopicSpecs(undefined)).toEqual([]);
    expect(() => parseTopicSpecs(['orders:x'])).toThrow('"x" is not a list of partitions');
    expect(() => parseTopicSpecs([':1'])).toThrow('names no topic');
  });
});
