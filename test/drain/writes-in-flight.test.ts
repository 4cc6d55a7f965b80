import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProducer} from '../../src/client/producer.js';
import {drainGroup} from '../../src/drain/group-drain.js';
import type {Event} from '../../src/pipeline/event.js';
import {SinkUnavailableError, type Sink} from '../../src/pipeline/sink.js';
import {DeadLetterQueue} from '../../src/sinks/dead-letter.js';
import {startBroker} from '../helpers/broker.js';

const TOPIC = 'in-flight-topic';
const GROUP = 'in-flight';
const RECORDS = 3000;
const BATCH = 100;

describe('group drain: several sink writes in flight', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 1});
    await env.broker.createTopic(TOPIC, 1, {});
    const producer = await openProducer(TOPIC, {brokers: [env.bootstrap], acks: 'all'});
    await producer.send(Array.from({length: RECORDS}, (_, i) => ({key: null, value: Buffer.from(`rec-${i}`)})));
    await producer.flush();
    await producer.close();
  });
  afterAll(async () => {
    await env.broker.close();
  });

  const committed = () => env.broker.groups.fetchOffsets(GROUP, null).offsets.find((o) => o.partition === 0)?.offset ?? -1;

  it('the 2nd of 3 writes in flight fails: nothing committed past the 1st, the 2nd written again, nothing lost or committed early', async () => {
    /** Offsets the sink confirmed (a write that resolved). */
    const stored = new Set<number>();
    /** Each write() call: its first offset and whether it resolved. */
    const calls: Array<{first: number; ok: boolean}> = [];
    let inFlight = 0;
    let mostInFlight = 0;
    /** The committed offset seen while the failed write was being answered. */
    let committedAtFailure = -1;
    const violations: string[] = [];
    // The committed offset must never pass a record the sink has not confirmed.
    const checkCommitted = () => {
      const c = committed();
      for (let o = 0; o < c; o++) if (!stored.has(o)) return violations.push(`committed ${c} while offset ${o} was not confirmed`);
    };
    const sink: Sink = {
      name: 'memory',
      type: 'memory',
      maxWritesInFlight: 3,
      async write(events: Event[]) {
        const call = {first: events[0].kafka!.offset, ok: false};
        calls.push(call);
        checkCommitted();
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        try {
          // The 2nd write fails while the 3rd is still in flight; the others take a moment too.
          await new Promise((r) => setTimeout(r, calls.length === 3 ? 60 : 20));
          if (calls.length >= 2 && calls.indexOf(call) === 1) {
            committedAtFailure = committed();
            throw new SinkUnavailableError('the destination went away');
          }
          for (const e of events) stored.add(e.kafka!.offset);
          call.ok = true;
          checkCommitted();
        } finally {
          inFlight--;
        }
      },
      async probe() {},
      async close() {},
    };
    const deadLetters = new DeadLetterQueue([env.bootstrap], 'in-flight-dead-letters');
    const summary = await drainGroup({brokers: [env.bootstrap], topic: TOPIC, groupId: GROUP, sink, deadLetters, startAtBeginning: true, batchSize: BATCH, stopAtEnd: true, signal: new AbortController().signal, backoff: {initialMs: 50, maxMs: 200}});

    expect(mostInFlight).toBe(3);
    expect(violations).toEqual([]);
    // At the failure, at most the 1st chunk was committed.
    expect(committedAtFailure).toBeLessThanOrEqual(BATCH);
    // The 3rd write, in flight with the failed 2nd, was confirmed; only the 2nd is written again.
    expect(calls.slice(0, 3).map((c) => [c.first, c.ok])).toEqual([
      [0, true],
      [BATCH, false],
      [2 * BATCH, true],
    ]);
    const writtenAgain = calls.filter((c, i) => calls.findIndex((d) => d.first === c.first) < i).map((c) => c.first);
    expect(writtenAgain).toEqual([BATCH]);
    // Nothing lost, everything committed.
    expect(stored.size).toBe(RECORDS);
    expect(summary.records).toBe(RECORDS);
    expect(committed()).toBe(RECORDS);
  });
});
