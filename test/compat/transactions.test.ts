import {spawn} from 'node:child_process';
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startBroker} from '../helpers/broker.js';
import {CLI, cliEnv, collect, runCli, runCliJson} from '../helpers/cli.js';
import {topicValues} from '../helpers/kafka.js';
import {until} from '../helpers/poll.js';
import {PY, readValues} from '../helpers/python-transform.js';
import {runOk} from '../helpers/run.js';
import {hasCommand, hasPythonModule, requireTool} from '../helpers/system-deps.js';

const {Kafka, logLevel} = kafkajs;

const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));
const haveKcat = requireTool('kcat', hasCommand('kcat'));

const py = (script: string, ...args: string[]) => runOk(PY, ['-c', script, ...args], {timeoutMs: 90_000});

/** Commits c0-c4, aborts a0-a2, commits d0-d1, each in its own transaction. */
const COMMIT_ABORT = `
import sys
from confluent_kafka import Producer
boot, topic = sys.argv[1:3]
p = Producer({'bootstrap.servers': boot, 'transactional.id': 'commit-abort'})
p.init_transactions(30)
for prefix, n, commit in (('c', 5, True), ('a', 3, False), ('d', 2, True)):
    p.begin_transaction()
    for i in range(n): p.produce(topic, value=b'%s%d' % (prefix.encode(), i))
    p.flush(30)
    if commit: p.commit_transaction(30)
    else: p.abort_transaction(30)
`;

/** A producer writes in a transaction, a second one with the same transactional.id starts: the first must be fenced. */
const ZOMBIE = `
import sys
from confluent_kafka import Producer, KafkaException
boot, topic = sys.argv[1:3]
zombie = Producer({'bootstrap.servers': boot, 'transactional.id': 'zombie'})
zombie.init_transactions(30)
zombie.begin_transaction()
zombie.produce(topic, value=b'from-zombie')
zombie.flush(30)
fresh = Producer({'bootstrap.servers': boot, 'transactional.id': 'zombie'})
fresh.init_transactions(30)
try:
    zombie.produce(topic, value=b'from-zombie-2')
    zombie.commit_transaction(30)
    print('zombie committed')
except KafkaException as e:
    print('zombie refused: %s fatal=%s' % (e.args[0].name(), e.args[0].fatal()))
fresh.begin_transaction()
fresh.produce(topic, value=b'from-fresh')
fresh.commit_transaction(30)
`;

/** A transaction left open past transaction.timeout.ms is aborted by the coordinator. */
const TIMEOUT = `
import sys, time
from confluent_kafka import Producer, KafkaException
boot, topic = sys.argv[1:3]
p = Producer({'bootstrap.servers': boot, 'transactional.id': 'slow', 'transaction.timeout.ms': 2500})
p.init_transactions(30)
p.begin_transaction()
p.produce(topic, value=b'too-late', on_delivery=lambda err, m: print('delivered' if err is None else 'not delivered: %s' % err))
p.flush(30)
time.sleep(5)
try:
    p.commit_transaction(30)
    print('late commit accepted')
except KafkaException as e:
    print('late commit refused: %s' % e.args[0].name())
`;

describe.skipIf(!haveConfluent)('transactions: confluent-kafka (librdkafka) against the broker', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    env = await startBroker({transactionStateLogNumPartitions: 3, offsetsTopicNumPartitions: 3, transactionAbortTimedOutTransactionCleanupIntervalMs: 300});
  });
  afterAll(async () => {
    await env.broker.close();
  });

  const read = (topic: string, iso: 'read_committed' | 'read_uncommitted') => readValues(env.bootstrap, topic, iso);

  it('read_committed sees committed transactions only, read_uncommitted sees every record, control records never', async () => {
    await py(COMMIT_ABORT, env.bootstrap, 'tx-commit-abort');
    expect(await read('tx-commit-abort', 'read_committed')).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'd0', 'd1']);
    expect(await read('tx-commit-abort', 'read_uncommitted')).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'a0', 'a1', 'a2', 'd0', 'd1']);
    // kcollect's own reader is read_committed too.
    expect(await topicValues(env.bootstrap, 'tx-commit-abort')).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'd0', 'd1']);
  });

  it('a second producer with the same transactional.id fences the first; its open transaction is aborted', async () => {
    const out = await py(ZOMBIE, env.bootstrap, 'tx-zombie');
    expect(out).toMatch(/zombie refused: _FENCED fatal=True/);
    expect(await read('tx-zombie', 'read_committed')).toEqual(['from-fresh']);
  });

  it('the coordinator aborts a transaction left open past transaction.timeout.ms', async () => {
    // Created ahead: librdkafka gives a message only transaction.timeout.ms to be delivered (2.5 s:
    // time enough on a loaded machine, and the coordinator's abort well inside the 5 s wait).
    await env.broker.createTopic('tx-timeout', 1, {});
    const out = await py(TIMEOUT, env.bootstrap, 'tx-timeout');
    expect(out).toMatch(/^delivered\nlate commit refused/);
    expect(await read('tx-timeout', 'read_committed')).toEqual([]);
    expect(await read('tx-timeout', 'read_uncommitted')).toEqual(['too-late']);
    expect(env.logs.join('\n')).toMatch(/aborting transaction of slow .*transaction\.timeout\.ms=2500/);
  });

  it('refuses a transaction.timeout.ms above transaction.max.timeout.ms', async () => {
    const out = await py(
      `
import sys
from confluent_kafka import Producer, KafkaException
p = Producer({'bootstrap.servers': sys.argv[1], 'transactional.id': 'too-long', 'transaction.timeout.ms': 3600000})
try:
    p.init_transactions(30)
    print('accepted')
except KafkaException as e:
    print('refused: %s' % e.args[0].name())
`,
      env.bootstrap,
    );
    expect(out).toMatch(/refused: INVALID_TRANSACTION_TIMEOUT/);
  });

  it('kcollect transactions list / describe / describe-producers show an open transaction as kafka-transactions.sh does', async () => {
    const open = `
import sys, time
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': sys.argv[1], 'transactional.id': 'left-open'})
p.init_transactions(30)
p.begin_transaction()
p.produce('tx-open', value=b'pending')
p.flush(30)
print('open', flush=True)
time.sleep(60)
`;
    const child = spawn(PY, ['-c', open, env.bootstrap], {stdio: ['ignore', 'pipe', 'ignore']});
    try {
      await new Promise<void>((resolve) => child.stdout!.on('data', (d) => String(d).includes('open') && resolve()));
      const listed = await runCliJson(['transactions', 'list', '--state', 'Ongoing', '-b', env.bootstrap, '--json']);
      expect(listed.transactions).toEqual([expect.objectContaining({transactionalId: 'left-open', state: 'Ongoing', coordinator: 0})]);
      const described = await runCliJson(['transactions', 'describe', 'left-open', '-b', env.bootstrap, '--json']);
      expect(described).toMatchObject({state: 'Ongoing', partitions: ['tx-open-0'], producerEpoch: 0});
      const producers = await runCliJson(['transactions', 'describe-producers', '--topic', 'tx-open', '-b', env.bootstrap, '--json']);
      expect(producers.producers).toEqual([expect.objectContaining({partition: 0, producerId: described.producerId, currentTxnStartOffset: 0})]);
      const missing = await runCli(['transactions', 'describe', 'nobody', '-b', env.bootstrap]);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/TRANSACTIONAL_ID_NOT_FOUND/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('kcollect produce --transactional-id commits its whole input at the end; a fenced run commits nothing and says so', async () => {
    const ok = await runCli(['produce', 'tx-produce', '--transactional-id', 'kc-producer', '-b', env.bootstrap], {input: 'p1\np2\np3\n'});
    expect(ok.code, ok.stderr).toBe(0);
    expect(await read('tx-produce', 'read_committed')).toEqual(['p1', 'p2', 'p3']);
    expect(await runCliJson(['transactions', 'describe', 'kc-producer', '-b', env.bootstrap, '--json'])).toMatchObject({state: 'CompleteCommit'});

    // Lines are sent as they come; meanwhile another producer takes over the transactional id.
    const child = spawn(process.execPath, [CLI, 'produce', 'tx-produce', '--transactional-id', 'kc-producer', '-b', env.bootstrap], {env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe']});
    child.stdin!.write('z1\nz2\n');
    await until(async () => (await runCliJson(['transactions', 'describe', 'kc-producer', '-b', env.bootstrap, '--json'])).state === 'Ongoing', 'the open transaction');
    await py(`
import sys
from confluent_kafka import Producer
Producer({'bootstrap.servers': sys.argv[1], 'transactional.id': 'kc-producer'}).init_transactions(30)
`, env.bootstrap);
    child.stdin!.end('z3\n');
    const fenced = await collect(child);
    expect(fenced.code).not.toBe(0);
    expect(fenced.stderr).toMatch(/PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/);
    expect(await read('tx-produce', 'read_committed')).toEqual(['p1', 'p2', 'p3']);
  });

  it.skipIf(!haveKcat)('kcat -X transactional.id=... produces its input in one committed transaction', async () => {
    await runOk('kcat', ['-P', '-b', env.bootstrap, '-t', 'tx-kcat', '-X', 'transactional.id=kcat-1'], {input: 'k1\nk2\nk3\n'});
    const committed = await runOk('kcat', ['-C', '-b', env.bootstrap, '-t', 'tx-kcat', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%s\n']);
    expect(committed.trim().split('\n')).toEqual(['k1', 'k2', 'k3']);
  });
});

describe('transactions: kafkajs against the broker', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let kafka: InstanceType<typeof Kafka>;

  beforeAll(async () => {
    env = await startBroker({transactionStateLogNumPartitions: 3, offsetsTopicNumPartitions: 3});
    kafka = new Kafka({clientId: 'txn', brokers: [env.bootstrap], logLevel: logLevel.NOTHING});
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'kjs-in'}, {topic: 'kjs-out'}]});
    await admin.disconnect();
  });
  afterAll(async () => {
    await env.broker.close();
  });

  it('send and sendOffsets commit together; an aborted transaction leaves neither records nor offsets', async () => {
    const producer = kafka.producer({transactionalId: 'kjs', maxInFlightRequests: 1, idempotent: true});
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({topic: 'kjs-out', messages: [{value: 'k1'}, {value: 'k2'}]});
      await committed.sendOffsets({consumerGroupId: 'kjs-group', topics: [{topic: 'kjs-in', partitions: [{partition: 0, offset: '5'}]}]});
      await committed.commit();

      const aborted = await producer.transaction();
      await aborted.send({topic: 'kjs-out', messages: [{value: 'k3'}]});
      await aborted.sendOffsets({consumerGroupId: 'kjs-group', topics: [{topic: 'kjs-in', partitions: [{partition: 0, offset: '9'}]}]});
      await aborted.abort();
    } finally {
      await producer.disconnect();
    }
    expect(await topicValues(env.bootstrap, 'kjs-out')).toEqual(['k1', 'k2']);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({groupId: 'kjs-group', topics: ['kjs-in']});
      expect(offsets[0].partitions).toEqual([expect.objectContaining({partition: 0, offset: '5'})]);
    } finally {
      await admin.disconnect();
    }
    // kafkajs's consumer reads committed by default: k3 never reaches it.
    const consumer = kafka.consumer({groupId: 'kjs-reader'});
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({topic: 'kjs-out', fromBeginning: true});
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({message}) => {
            seen.push(message.value!.toString());
            if (seen.length === 2) resolve();
          },
        });
      });
      // Give an aborted record every chance to show up after the committed ones.
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual(['k1', 'k2']);
  });
});
