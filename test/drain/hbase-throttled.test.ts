/**
 * A gateway that answers a write 429 (Too Many Requests), 408 (Request Timeout) or 503 with a
 * Retry-After: the drain parks as for an outage, waits what the gateway asked (no longer than its
 * backoff's cap) instead of its own doubling, and writes the batch again.
 */
import http from 'node:http';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DeadLetterQueue} from '../../src/sinks/dead-letter.js';
import {drainGroup} from '../../src/drain/group-drain.js';
import type {DrainStatus} from '../../src/drain/status.js';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {openSink} from '../../src/sinks/open-sink.js';
import {startBroker} from '../helpers/broker.js';
import {BOOK_COLUMNS, drivingRecords, produceLines} from './driving-records.js';
import {expectTableHoldsExactly} from './hbase-check.js';

/** In front of the emulator: answers the first writes (PUT .../fakerow) as `refusals` say, one each, and forwards the rest. */
async function throttlingGateway(target: number, refusals: Array<{status: number; retryAfter: string}>): Promise<{port: number; refused: () => number; close: () => void}> {
  let refused = 0;
  const agent = new http.Agent({keepAlive: true});
  const server = http.createServer((req, res) => {
    const refusal = req.method === 'PUT' && req.url?.endsWith('/fakerow') ? refusals[refused] : undefined;
    if (refusal) {
      refused++;
      req.resume();
      req.on('end', () => res.writeHead(refusal.status, {'Retry-After': refusal.retryAfter, 'Content-Type': 'text/plain'}).end(`${refusal.status}\n`));
      return;
    }
    const upstream = http.request({host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers, agent}, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as {port: number}).port,
    refused: () => refused,
    close: () => {
      server.closeAllConnections();
      server.close();
      agent.destroy();
    },
  };
}

describe('drain into an HBase gateway that asks it to wait', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let hbase: HBaseEmulator;

  beforeAll(async () => {
    env = await startBroker();
    hbase = await startHBaseEmulator();
  });
  afterAll(async () => {
    await hbase.stop();
    await env.broker.close();
  });

  it('429, 408 and 503 with Retry-After park the drain for the wait asked (at least its own backoff, capped), then every record is written once and committed', async () => {
    // One partition, one produce: one write, refused three times over.
    await env.broker.createTopic('Busy-Topic', 1, {});
    const records = drivingRecords(5, 20);
    await produceLines(env.bootstrap, 'Busy-Topic', records);
    const backoff = {initialMs: 100, maxMs: 1500};
    const gateway = await throttlingGateway(hbase.port, [
      {status: 429, retryAfter: '1'},
      // An HTTP date an hour away: capped at the backoff's max.
      {status: 408, retryAfter: new Date(Date.now() + 3_600_000).toUTCString()},
      {status: 503, retryAfter: '0'},
    ]);
    const statuses: DrainStatus[] = [];
    const sink = openSink({kind: 'hbase', url: `http://127.0.0.1:${gateway.port}`, table: 'Busy', family: 'cf1', columns: BOOK_COLUMNS, rowKey: '{date:reverse}-{car_number}', createTable: true});
    const deadLetters = new DeadLetterQueue([env.bootstrap], 'Busy-Topic.dlq', sink.name);
    try {
      const summary = await drainGroup({
        brokers: [env.bootstrap],
        topic: 'Busy-Topic',
        groupId: 'busy-loader',
        sink,
        deadLetters,
        startAtBeginning: true,
        stopAtEnd: true,
        signal: new AbortController().signal,
        backoff,
        onStatus: (s) => statuses.push(s),
        statusIntervalMs: 5000,
      });
      expect(gateway.refused()).toBe(3);
      // Each refusal parked the drain for the wait it asked for, where longer than the doubling's
      // 100, 200, 400 ms (capped); "Retry-After: 0" does not make it probe at once.
      const parked = new Map(statuses.filter((s) => s.state === 'parked').map((s) => [s.attempt, [/answered (\d+)/.exec(s.error ?? '')?.[1], s.retryInMs]]));
      expect([...parked]).toEqual([
        [1, ['429', 1000]],
        [2, ['408', 1500]],
        [3, ['503', 400]],
      ]);
      expect(summary.records).toBe(100);
      expect(summary.deadLettered).toBe(0);
      expect(summary.partitions).toEqual([{partition: 0, nextOffset: 100, highWatermark: 100}]);
      expect(statuses.at(-1)!.state).toBe('ok');
    } finally {
      await sink.close();
      await deadLetters.close();
      gateway.close();
    }
    await expectTableHoldsExactly(hbase.url, 'Busy', records.map((r) => r.line));
  }, 60_000);
});
