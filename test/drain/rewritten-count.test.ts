/**
 * A drain that reads records again after its group moved on (a commit refused, then a rejoin from
 * the last commit that went through) writes them again; its summary counts each record once,
 * as the sink holds it, not once per write.
 */
import {afterAll, beforeAll, expect, it} from 'vitest';
import {drainGroup} from '../../src/drain/group-drain.js';
import type {Event} from '../../src/pipeline/event.js';
import type {Sink} from '../../src/pipeline/sink.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {DeadLetterQueue} from '../../src/sinks/dead-letter.js';
import {startBroker} from '../helpers/broker.js';
import {numberedValues, produceNumbered} from '../helpers/numbered-records.js';

const TOPIC = 'read-again';
let env: Awaited<ReturnType<typeof startBroker>>;

beforeAll(async () => {
  env = await startBroker({numPartitions: 1});
  await env.broker.createTopic(TOPIC, 1, {});
  await produceNumbered(env.bootstrap, TOPIC, 0, 1000);
});
afterAll(async () => {
  await env.broker.close();
});

it('counts a record written again after a rejoin once', async () => {
  const group = 'rejoined';
  // The group refuses the first commit past offset 500 as from an old generation.
  const groups = env.broker.groups;
  const commitOffsets = groups.commitOffsets;
  let refused = false;
  groups.commitOffsets = (req) => {
    if (!refused && req.groupId === group && req.offsets.some((o) => o.offset > 500)) {
      refused = true;
      return req.offsets.map((o) => ({topic: o.topic, partition: o.partition, errorCode: ErrorCode.ILLEGAL_GENERATION}));
    }
    return commitOffsets.call(groups, req);
  };
  const writes: string[] = [];
  const sink: Sink = {
    name: 'memory',
    type: 'memory',
    async write(events: readonly Event[]) {
      for (const e of events) writes.push(e.body.toString());
    },
    async close() {},
  };
  const deadLetters = new DeadLetterQueue([env.bootstrap], `${TOPIC}.dlq`);
  try {
    const summary = await drainGroup({brokers: [env.bootstrap], topic: TOPIC, groupId: group, sink, deadLetters, startAtBeginning: true, batchSize: 100, stopAtEnd: true, signal: new AbortController().signal});
    expect(refused).toBe(true);
    // Written again: the records of the refused commit.
    expect(writes.length).toBeGreaterThan(1000);
    expect(new Set(writes)).toEqual(new Set(numberedValues(0, 1000)));
    expect(summary.records).toBe(1000);
  } finally {
    groups.commitOffsets = commitOffsets;
    await deadLetters.close();
  }
});
