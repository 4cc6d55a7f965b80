/**
 * What a person watching a long drain sees: on a terminal one line rewritten in place, in a log a
 * line every few seconds; counts with thousands separators, the rate, the backlog and an ETA, and
 * state changes kept on their own lines.
 */
import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import type {DrainStatus} from '../../src/drain/status.js';
import {clock, progressLine} from '../../src/lib/progress.js';
import {describeAgentProgress} from '../../src/services/agent-progress.js';
import {collectSummary} from '../../src/services/collect-service.js';
import {statusPrinter} from '../../src/services/drain-service.js';

function stream(tty: boolean): {out: NodeJS.WriteStream; text: () => string} {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d) => (text += d));
  return {out: Object.assign(s, {isTTY: tty}) as unknown as NodeJS.WriteStream, text: () => text};
}

const status = (written: number, backlog: number | null, state: DrainStatus['state'] = 'ok'): DrainStatus => ({type: 'status', time: '', state, sink: 'hbase:T', written, deadLettered: 0, backlog, attempt: 0, error: state === 'ok' ? undefined : 'HBase answers 503'});

describe('progress line', () => {
  it('rewrites one line in place on a terminal and keeps notes above it', () => {
    const {out, text} = stream(true);
    const line = progressLine(out);
    line.update('1 written');
    line.note('sink down');
    line.end();
    expect(text()).toBe('kcollect: 1 written\r\x1b[2Kkcollect: sink down\nkcollect: 1 written\n');
  });

  it('prints plain lines, at most one per interval, when not on a terminal', () => {
    const {out, text} = stream(false);
    const line = progressLine(out, {everyMs: 60_000});
    line.update('first');
    line.update('second'); // within the interval: not printed
    line.note('a state change');
    line.end();
    expect(text()).toBe('kcollect: first\nkcollect: a state change\n');
  });

  it('a drain status shows counts with thousands separators, backlog and ETA, and state changes', async () => {
    const {out: err, text} = stream(false);
    const print = statusPrinter({json: false, out: err, err});
    print(status(1_234_567, 2_160_100));
    print(status(1_300_000, 2_000_000, 'parked'));
    print.end();
    expect(text()).toMatch(/^kcollect: hbase:T: ok, 1,234,567 written \(0\/s\), 0 dead-lettered, backlog 2,160,100\n/);
    expect(text()).toMatch(/kcollect: hbase:T: parked, partitions paused: HBase answers 503/);
    expect(clock(3725)).toBe('1:02:05');
    expect(clock(65)).toBe('1:05');
  });
});

describe('collector progress and summary', () => {
  it('sums what the sources read, the channels hold and the sinks delivered, and names a sink in trouble', () => {
    const line = describeAgentProgress(
      [
        {kind: 'SOURCE', name: 'tail', type: 'tail', counters: {EventReceivedCount: 2_160_100}},
        {kind: 'CHANNEL', name: 'c', type: 'file', counters: {ChannelSize: 1500}},
        {kind: 'SINK', name: 'kafka', type: 'kafka', state: 'parked', counters: {EventDrainSuccessCount: 2_000_000}},
      ],
      41_234.4,
    );
    expect(line).toBe('2,160,100 read, 1,500 queued, 2,000,000 delivered (41,234/s); kafka parked');
  });

  it('the summary counts what was really sent, apart from lines read again that Kafka already held', () => {
    const report = {name: 'n', topic: 'T', received: 1000, accepted: 1000, delivered: 0, alreadyInKafka: 1000, filtered: 0, deadLettered: 0, notSent: 0, state: 'ok'};
    expect(collectSummary(report)).toBe('sent 0 line(s) to T; 1,000 read again and already in Kafka (not sent twice); 0 filtered out');
  });
});
