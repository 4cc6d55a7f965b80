import fs from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {freePort} from '../../src/lib/ports.js';
import type {ListenerConfig} from '../../src/security/listener.js';
import {startBroker} from '../helpers/broker.js';
import {runCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';
import {run} from '../helpers/run.js';
import {hasCommand, requireTool} from '../helpers/system-deps.js';

/**
 * ACLs with Kafka's model on a broker with an AclAuthorizer: PLAIN users on a SASL_PLAINTEXT
 * listener (kcat and kafkajs), ACLs managed by `kcollect acl` over the PLAINTEXT listener whose
 * ANONYMOUS principal is a super user, as a loopback admin listener would be.
 */

const {Kafka, logLevel} = kafkajs;
const haveKcat = requireTool('kcat', hasCommand('kcat'));
const USERS = {admin: 'admin-pw', alice: 'alice-pw', bob: 'bob-pw'};

describe.runIf(haveKcat)('ACL authorization (AclAuthorizer, super.users, deny beats allow, prefixed)', () => {
  let broker: Broker;
  let dataDir: string;
  let plain: string;
  let sasl: string;
  let listeners: ListenerConfig[];

  const kcat = (user: keyof typeof USERS, args: string[], input?: string) =>
    run('kcat', ['-b', sasl, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN', '-X', `sasl.username=${user}`, '-X', `sasl.password=${USERS[user]}`, '-X', 'socket.timeout.ms=10000', ...args], {input, timeoutMs: 60_000});
  const acl = async (...args: string[]) => {
    const r = await runCli(['acl', ...args, '-b', plain, '--json']);
    expect(r.stderr, `acl ${args.join(' ')}`).toBe('');
    return JSON.parse(r.stdout);
  };
  const kafkaAs = (user: keyof typeof USERS) => new Kafka({clientId: user, brokers: [sasl], sasl: {mechanism: 'plain', username: user, password: USERS[user]}, logLevel: logLevel.NOTHING, retry: {retries: 1}});

  const start = async () => {
    const env = await startBroker({dataDir, listeners, authorizer: {enabled: true, superUsers: ['User:admin', 'User:ANONYMOUS'], allowEveryoneIfNoAclFound: false}});
    broker = env.broker;
  };

  beforeAll(async () => {
    dataDir = (await startBroker()).dataDir;
    const [p1, p2] = [await freePort(), await freePort()];
    listeners = [
      {name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: p1},
      {name: 'SASL_PLAINTEXT', securityProtocol: 'SASL_PLAINTEXT', host: '127.0.0.1', port: p2, sasl: {mechanisms: ['PLAIN'], plainUsers: USERS}},
    ];
    plain = `127.0.0.1:${p1}`;
    sasl = `127.0.0.1:${p2}`;
    await start();
    for (const t of ['orders', 'shared', 'car-1', 'truck-1']) await broker.createTopic(t, 1, {});
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('with no ACL a user may do nothing; a super user may do everything', async () => {
    const denied = await kcat('alice', ['-P', '-t', 'orders'], 'x\n');
    expect(denied.stderr).toMatch(/Topic authorization failed/);
    expect((await kcat('admin', ['-P', '-t', 'orders'], 'from-admin\n')).code).toBe(0);
    // Metadata leaves out the topics alice may not describe.
    const md = JSON.parse((await kcat('alice', ['-L', '-J'])).stdout);
    expect(md.topics).toEqual([]);
  });

  it('Write and Read on a topic plus Read on a group let a user produce and consume in a group', async () => {
    await acl('create', '--allow-principal', 'User:alice', '--operation', 'Write', '--operation', 'Read', '--topic', 'orders');
    expect((await kcat('alice', ['-P', '-t', 'orders'], 'from-alice\n')).code).toBe(0);
    expect((await kcat('bob', ['-P', '-t', 'orders'], 'x\n')).stderr).toMatch(/Topic authorization failed/);
    // Read implies Describe: the topic is now visible to alice, and only that one.
    expect(JSON.parse((await kcat('alice', ['-L', '-J'])).stdout).topics.map((t: {topic: string}) => t.topic)).toEqual(['orders']);

    const consume = async () => {
      const consumer = kafkaAs('alice').consumer({groupId: 'billing', retry: {retries: 0}});
      try {
        // kafkajs reports a failed group join through its CRASH event, not through run().
        const crashed = new Promise<never>((_, reject) => consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error)));
        await consumer.connect();
        await consumer.subscribe({topic: 'orders', fromBeginning: true});
        const got: string[] = [];
        await consumer.run({eachMessage: async ({message}) => void got.push(message.value!.toString())});
        await Promise.race([until(() => got.length === 2, 'alice to read both records', 30_000), crashed]);
        return got.sort();
      } finally {
        await consumer.disconnect();
      }
    };
    // Without Read on the group, joining it is refused (kafkajs hides the error code; kcat shows it).
    const refused = await run('kcat', ['-b', sasl, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', `sasl.password=${USERS.alice}`, '-G', 'billing', '-o', 'beginning', 'orders'], {timeoutMs: 8000});
    expect(refused.stderr).toMatch(/Group authorization failed/);
    await acl('create', '--allow-principal', 'User:alice', '--operation', 'Read', '--group', 'billing');
    expect(await consume()).toEqual(['from-admin', 'from-alice']);
  }, 120_000);

  it('deny beats allow', async () => {
    await acl('create', '--allow-principal', 'User:*', '--operation', 'Read', '--topic', 'shared');
    await acl('create', '--deny-principal', 'User:bob', '--operation', 'Read', '--topic', 'shared');
    expect((await kcat('admin', ['-P', '-t', 'shared'], 's\n')).code).toBe(0);
    expect((await kcat('alice', ['-C', '-t', 'shared', '-o', 'beginning', '-e', '-q'])).stdout).toBe('s\n');
    const bob = await kcat('bob', ['-C', '-t', 'shared', '-o', 'beginning', '-e']);
    expect(bob.stderr).toMatch(/Topic authorization failed/);
  });

  it('a prefixed pattern covers every topic that starts with it', async () => {
    await acl('create', '--allow-principal', 'User:bob', '--operation', 'Write', '--topic', 'car-', '--resource-pattern-type', 'prefixed');
    expect((await kcat('bob', ['-P', '-t', 'car-1'], 'vroom\n')).code).toBe(0);
    expect((await kcat('bob', ['-P', '-t', 'truck-1'], 'x\n')).stderr).toMatch(/Topic authorization failed/);
    // A deny for another host leaves bob (on 127.0.0.1) alone; one for his host stops him.
    await acl('create', '--deny-principal', 'User:bob', '--deny-host', '10.9.9.9', '--operation', 'Write', '--topic', 'car-1');
    expect((await kcat('bob', ['-P', '-t', 'car-1'], 'again\n')).code).toBe(0);
    await acl('create', '--deny-principal', 'User:bob', '--deny-host', '127.0.0.1', '--operation', 'All', '--topic', 'car-1');
    expect((await kcat('bob', ['-P', '-t', 'car-1'], 'x\n')).stderr).toMatch(/Topic authorization failed/);
    await acl('delete', '--topic', 'car-1');
  });

  it('cluster operations: creating topics needs Create on the cluster (or the topic)', async () => {
    const admin = kafkaAs('bob').admin();
    await admin.connect();
    try {
      await expect(admin.createTopics({topics: [{topic: 'bob-new'}]})).rejects.toMatchObject({errors: [expect.objectContaining({type: 'TOPIC_AUTHORIZATION_FAILED'})]});
      await acl('create', '--allow-principal', 'User:bob', '--operation', 'Create', '--cluster');
      // kafkajs then reads the new topic's metadata, which needs Describe on it.
      await acl('create', '--allow-principal', 'User:bob', '--operation', 'Describe', '--topic', 'bob-new');
      expect(await admin.createTopics({topics: [{topic: 'bob-new'}]})).toBe(true);
      // ACLs themselves are managed with Alter on the cluster, which bob lacks.
      await expect(admin.createAcls({acl: [{resourceType: 2, resourceName: 'x', resourcePatternType: 3, principal: 'User:bob', host: '*', operation: 2, permissionType: 3}]})).rejects.toThrow(/CLUSTER_AUTHORIZATION_FAILED|Cluster authorization failed|not authorized/i);
    } finally {
      await admin.disconnect();
    }
  });

  it('lists and deletes ACLs like kafka-acls.sh, stores them in Kafka\'s layout, and keeps them across a restart', async () => {
    await acl('create', '--allow-principal', 'User:alice', '--operation', 'Describe', '--transactional-id', 'tx-1');
    const onOrders = await acl('list', '--topic', 'orders');
    expect(onOrders.acls).toEqual(
      expect.arrayContaining([
        {resourceType: 'Topic', name: 'orders', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'Write', permission: 'Allow'},
        {resourceType: 'Topic', name: 'orders', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'Read', permission: 'Allow'},
      ]),
    );
    expect(onOrders.acls).toHaveLength(2);
    const matching = await acl('list', '--topic', 'car-7', '--resource-pattern-type', 'match');
    expect(matching.acls.map((a: {name: string}) => a.name)).toEqual(['car-']);

    const nodes = JSON.parse(fs.readFileSync(path.join(dataDir, 'security-nodes.json'), 'utf8'));
    expect(JSON.parse(nodes['/kafka-acl/Topic/shared'])).toEqual({
      version: 1,
      acls: [
        {principal: 'User:*', permissionType: 'Allow', operation: 'Read', host: '*'},
        {principal: 'User:bob', permissionType: 'Deny', operation: 'Read', host: '*'},
      ],
    });
    expect(nodes['/kafka-acl-extended/prefixed/Topic/car-']).toBeDefined();
    expect(nodes['/kafka-acl/TransactionalId/tx-1']).toBeDefined();

    await broker.close();
    await start();
    expect((await acl('list')).acls).toHaveLength(9);
    const removed = await acl('delete', '--deny-principal', 'User:bob', '--operation', 'Read', '--topic', 'shared');
    expect(removed.deleted).toEqual([{resourceType: 'Topic', name: 'shared', patternType: 'LITERAL', principal: 'User:bob', host: '*', operation: 'Read', permission: 'Deny'}]);
    expect((await kcat('bob', ['-C', '-t', 'shared', '-o', 'beginning', '-e', '-q'])).stdout).toBe('s\n');
    const refused = await runCli(['acl', 'delete', '-b', plain]);
    expect(refused.stderr).toMatch(/refusing to delete every ACL/);
  }, 120_000);

  it('SCRAM users: create, list and delete through the broker', async () => {
    const pw = path.join(dataDir, '..', 'dave.pw');
    fs.writeFileSync(pw, 'dave-secret\n');
    expect((await runCli(['user', 'create', 'dave', '--mechanism', 'SCRAM-SHA-512', '--password-file', pw, '--iterations', '8192', '-b', plain])).stdout).toMatch(/user dave: SCRAM-SHA-512 credentials set \(8192 iterations\)/);
    const listed = JSON.parse((await runCli(['user', 'list', '-b', plain, '--json'])).stdout);
    expect(listed.users).toEqual([{user: 'dave', credentials: [{mechanism: 'SCRAM-SHA-512', iterations: 8192}]}]);
    const stored = JSON.parse(JSON.parse(fs.readFileSync(path.join(dataDir, 'security-nodes.json'), 'utf8'))['/config/users/dave']);
    expect(stored.config['SCRAM-SHA-512']).toMatch(/^salt=[A-Za-z0-9+/=]+,stored_key=[A-Za-z0-9+/=]+,server_key=[A-Za-z0-9+/=]+,iterations=8192$/);
    expect(JSON.stringify(stored)).not.toContain('dave-secret');
    const bad = await runCli(['user', 'create', 'eve', '--password', 'x', '--iterations', '100', '-b', plain]);
    expect(bad.stderr).toMatch(/--iterations 100 is outside 4096-16384/);
    expect((await runCli(['user', 'delete', 'dave', '-b', plain])).stdout).toMatch(/deleted SCRAM-SHA-512/);
    const missing = await runCli(['user', 'delete', 'dave', '--mechanism', 'SCRAM-SHA-256', '-b', plain]);
    expect(missing.stderr).toMatch(/RESOURCE_NOT_FOUND/);
  });
});
