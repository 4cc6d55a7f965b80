import net from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {WireConnection} from '../../src/client/wire-connection.js';
import {encode, isFlexible} from '../../src/protocol/codec.js';
import {writeRequestHeader} from '../../src/protocol/header.js';
import {SCHEMA_BY_KEY} from '../../src/protocol/messages/index.js';
import {Metadata} from '../../src/protocol/messages/03-metadata.js';
import {ApiVersions} from '../../src/protocol/messages/18-api-versions.js';
import {encodeBatch} from '../../src/protocol/records/records.js';
import {Writer} from '../../src/protocol/writer.js';
import {startBroker} from '../helpers/broker.js';

const FRAMES = 100_000;

/** A deterministic PRNG so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

/** A plausible request body for each API, filled with the kind of values real clients send. */
function sampleBodies(batch: Buffer): Record<number, object> {
  const topic = 'fuzz';
  return {
    0: {transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{name: topic, partitionData: [{index: 0, records: batch}]}]},
    1: {replicaId: -1, maxWaitMs: 10, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{topic, partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20}]}], forgottenTopicsData: [], rackId: ''},
    2: {replicaId: -1, isolationLevel: 0, topics: [{name: topic, partitions: [{partitionIndex: 0, timestamp: -1}]}]},
    3: {topics: [{name: topic}], allowAutoTopicCreation: true},
    8: {groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1, topics: [{name: topic, partitions: [{partitionIndex: 0, committedOffset: 1, committedMetadata: ''}]}]},
    9: {groupId: 'g', topics: [{name: topic, partitionIndexes: [0]}]},
    10: {key: 'g', keyType: 0, coordinatorKeys: ['g', 'h']},
    11: {groupId: 'g', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{name: 'range', metadata: Buffer.from([0, 1])}]},
    12: {groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null},
    13: {groupId: 'g', memberId: 'm', members: [{memberId: 'm', groupInstanceId: null}]},
    14: {groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null, assignments: [{memberId: 'm', assignment: Buffer.from([0, 1])}]},
    15: {groups: ['g'], includeAuthorizedOperations: false},
    16: {},
    17: {mechanism: 'PLAIN'},
    36: {authBytes: Buffer.from('\u0000alice\u0000secret')},
    22: {transactionalId: null, transactionTimeoutMs: 1000, producerId: -1, producerEpoch: -1},
    23: {replicaId: -1, topics: [{topic, partitions: [{partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0}]}]},
    24: {v3AndBelowTransactionalId: 'fuzz-txn', v3AndBelowProducerId: 1, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{name: topic, partitions: [0]}]},
    25: {transactionalId: 'fuzz-txn', producerId: 1, producerEpoch: 0, groupId: 'g'},
    26: {transactionalId: 'fuzz-txn', producerId: 1, producerEpoch: 0, committed: false},
    27: {markers: [{producerId: 1, producerEpoch: 0, transactionResult: false, topics: [{name: 'fuzz-nonexistent', partitionIndexes: [0]}], coordinatorEpoch: 0}]},
    28: {transactionalId: 'fuzz-txn', groupId: 'g', producerId: 1, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null, topics: [{name: topic, partitions: [{partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: ''}]}]},
    29: {resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1},
    30: {creations: [{resourceType: 2, resourceName: topic, resourcePatternType: 3, principal: 'User:fuzz', host: '*', operation: 3, permissionType: 3}]},
    31: {filters: [{resourceTypeFilter: 2, resourceNameFilter: 'fuzz-nonexistent', patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1}]},
    35: {topics: [{topic, partitions: [0]}]},
    42: {groupsNames: ['g-nonexistent']},
    18: {clientSoftwareName: 'fuzz', clientSoftwareVersion: '1.0'},
    19: {topics: [{name: 'fuzz-created', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{name: 'retention.ms', value: '1000'}]}], timeoutMs: 1000, validateOnly: true},
    20: {topicNames: ['fuzz-nonexistent'], timeoutMs: 1000},
    21: {topics: [{name: topic, partitions: [{partitionIndex: 0, offset: 0}]}], timeoutMs: 1000},
    32: {resources: [{resourceType: 2, resourceName: topic, configurationKeys: null}], includeSynonyms: true},
    33: {resources: [{resourceType: 2, resourceName: 'fuzz-nonexistent', configs: [{name: 'retention.ms', value: '1'}]}], validateOnly: true},
    37: {topics: [{name: 'fuzz-nonexistent', count: 2, assignments: null}], timeoutMs: 1000, validateOnly: true},
    50: {users: null},
    61: {topics: [{name: topic, partitionIndexes: [0]}]},
    65: {transactionalIds: ['fuzz-txn']},
    66: {stateFilters: [], producerIdFilters: [], durationFilter: -1},
    51: {deletions: [{name: 'fuzz-nobody', mechanism: 1}], upsertions: []},
    44: {resources: [{resourceType: 2, resourceName: 'fuzz-nonexistent', configs: [{name: 'retention.ms', configOperation: 0, value: '1'}]}], validateOnly: true},
  };
}

function frame(apiKey: number, version: number, body: object): Buffer {
  const api = SCHEMA_BY_KEY.get(apiKey)!;
  const w = new Writer();
  const size = w.reserveInt32();
  writeRequestHeader(w, {apiKey, apiVersion: version, correlationId: 7, clientId: 'fuzz'}, isFlexible(api.request, version));
  encode(api.request, version, body, w);
  size.set(w.length - 4);
  return w.toBuffer();
}

function mutate(valid: Buffer, rnd: () => number): Buffer {
  const b = Buffer.from(valid);
  switch (Math.floor(rnd() * 5)) {
    case 0: // flip a few bytes anywhere after the length prefix
      for (let i = 0, n = 1 + Math.floor(rnd() * 4); i < n; i++) b[4 + Math.floor(rnd() * (b.length - 4))] = Math.floor(rnd() * 256);
      return b;
    case 1: {
      // truncate, keeping the length prefix consistent so the broker decodes a short body
      const cut = 4 + Math.floor(rnd() * (b.length - 4));
      const t = b.subarray(0, cut);
      t.writeInt32BE(cut - 4, 0);
      return t;
    }
    case 2: // a hostile length prefix
      b.writeInt32BE([0x7fffffff, -1, 0, 0x40000000][Math.floor(rnd() * 4)], 0);
      return b;
    case 3: {
      // an int32 somewhere (array counts, lengths) set to an extreme
      const at = 4 + Math.floor(rnd() * Math.max(1, b.length - 8));
      b.writeInt32BE([0x7fffffff, -2, 0x10000, -0x80000000][Math.floor(rnd() * 4)], at);
      return b;
    }
    default: // append garbage
      return Buffer.concat([b, Buffer.from([0xff, 0x00, 0x7f])]);
  }
}

describe('broker under malformed input', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let port: number;

  beforeAll(async () => {
    env = await startBroker({autoCreateTopics: true});
    port = env.broker.advertised.port;
  });
  afterAll(async () => {
    await env.broker.close();
  });

  it(`survives ${FRAMES} mutated frames of every supported API and keeps serving`, async () => {
    const batch = await encodeBatch([{key: Buffer.from('k'), value: Buffer.from('v'.repeat(50))}], {});
    const bodies = sampleBodies(batch);
    const valid: Buffer[] = [];
    for (const {apiKey, minVersion, maxVersion} of env.broker.router.apiVersions()) {
      const body = bodies[apiKey];
      if (!body) continue;
      for (let v = minVersion; v <= maxVersion; v++) valid.push(frame(apiKey, v, body));
    }
    const covered = new Set(valid.map((f) => f.readInt16BE(4)));
    expect(covered.size).toBe(env.broker.router.apiVersions().length);

    const rnd = prng(42);
    const seen = () => env.broker.stats.requests + env.broker.stats.framesRejected;
    // Each client sends one mutated frame at a time and moves on once it is answered, the
    // connection is closed, or a few ms pass (acks=0, long polls); several clients in parallel.
    const client = async () => {
      while (seen() < FRAMES) {
        const socket = net.connect({host: '127.0.0.1', port});
        socket.on('error', () => {});
        await new Promise((resolve) => socket.once('connect', resolve).once('close', resolve));
        while (!socket.destroyed && seen() < FRAMES) {
          const outcome = await new Promise<'answered' | 'closed' | 'silent'>((resolve) => {
            const timer = setTimeout(() => resolve('silent'), 5);
            socket.once('data', () => (clearTimeout(timer), resolve('answered')));
            socket.once('close', () => (clearTimeout(timer), resolve('closed')));
            socket.write(mutate(valid[Math.floor(rnd() * valid.length)], rnd));
          });
          socket.removeAllListeners('data').removeAllListeners('close');
          if (outcome !== 'answered') socket.destroy();
        }
      }
    };
    await Promise.all(Array.from({length: 16}, client));
    expect(seen()).toBeGreaterThanOrEqual(FRAMES);
    expect(env.broker.stats.framesRejected).toBeGreaterThan(FRAMES / 10);

    // The broker is still up and a well-behaved client gets correct answers.
    const conn = await WireConnection.connect('127.0.0.1', port);
    const versions = await conn.request(ApiVersions, 3, {clientSoftwareName: 'check', clientSoftwareVersion: '1'});
    expect(versions.errorCode).toBe(0);
    const md = await conn.request(Metadata, 1, {topics: null});
    expect(md.brokers).toEqual([expect.objectContaining({nodeId: 0, port})]);
    conn.close();
    expect(env.logs.some((l) => /malformed|exceeds socket.request.max.bytes|unsupported API/.test(l))).toBe(true);
  }, 300_000);
});
