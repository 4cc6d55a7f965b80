import {describe, expect, it} from 'vitest';
import {pipelineOf} from '../../src/telemetry/pipeline-info.js';
import {catchUp, RateTracker} from '../../src/telemetry/rates.js';
import {renderPlain} from '../../src/ui/plain.js';
import {groupPartitionsTable, pipelinesTable} from '../../src/ui/tables.js';
import {pipeline, snapshot} from './fixtures.js';

describe('renderPlain', () => {
  it('prints every panel as a table, without sparklines', () => {
    const text = renderPlain(snapshot());
    expect(text).toMatch(/^BROKERS\n\s+ID\s+ADDRESS\s+CONTROLLER\s+STATE\n\s+1\s+127\.0\.0\.1:9092\s+yes\s+up\n\s+2\s+127\.0\.0\.1:9093\s+DOWN$/m);
    expect(text).toMatch(/SmartCar-Topic\s+2\s+30\.0\/s\s+1200\s+1200\s+117\.2 KiB\s+1/);
    expect(text).toMatch(/hbase-loader\s+Stable\s+1\s+120\s+40\.0\/s\s+12s/);
    expect(text).toMatch(/drain-hbase-loader\s+drain\s+parked\s+-\s+0\.0\/s\s+-\s+hbase-loader:parked backlog 390/);
    expect(text).toMatch(/ZOOKEEPER 127\.0\.0\.1:2181 \(standalone\)\n\s+ID\s+ADDRESS\s+MODE\s+ZNODES\n\s+1\s+127\.0\.0\.1:2181\s+standalone\s+5/);
    expect(text).not.toMatch(/TREND|[▁█]/);
  });

  it('says whether a majority of a ZooKeeper ensemble serves', () => {
    const ensemble = (modes: string[]) => ({connectString: 'zk1:2181,zk2:2181,zk3:2181', quorum: modes.filter((m) => m !== 'down').length > 1, items: modes.map((mode, i) => ({id: i + 1, address: `zk${i + 1}:2181`, mode}))});
    expect(renderPlain(snapshot({zookeeper: ensemble(['leader', 'follower', 'down'])}))).toContain('ZOOKEEPER zk1:2181,zk2:2181,zk3:2181 (quorum)\n');
    expect(renderPlain(snapshot({zookeeper: ensemble(['down', 'not serving', 'down'])}))).toContain('ZOOKEEPER zk1:2181,zk2:2181,zk3:2181 (NO QUORUM)\n');
  });

  it('a panel that failed says why; ZooKeeper not configured says how to add it', () => {
    const error = 'no Kafka broker answers at 127.0.0.1:9092';
    const text = renderPlain(snapshot({topics: {items: [], error}, zookeeper: {connectString: null, quorum: null, items: []}}));
    expect(text).toContain(`TOPICS\n  error: ${error}`);
    expect(text).toContain('ZOOKEEPER\n  (none configured: pass --zookeeper)');
  });
});

describe('pipelineOf', () => {
  it('reads a drain status: in from EventReceivedCount, out from EventDrainSuccessCount, state and backlog from the DRAIN component', () => {
    const p = pipelineOf({
      name: 'drain-g',
      kind: 'drain',
      pid: 1,
      startedAt: '',
      updatedAt: '2024-05-01T08:00:01.000Z',
      state: 'running',
      alive: true,
      components: [{kind: 'DRAIN', name: 'g', type: 'hbase', state: 'retrying', counters: {EventReceivedCount: 9, EventDrainSuccessCount: 7, Backlog: 3}}],
    });
    expect(p).toMatchObject({state: 'running', eventsIn: 9, eventsOut: 7, channelFill: null, sinks: [{kind: 'DRAIN', name: 'g', state: 'retrying', written: 7, backlog: 3}]});
  });

  it('reads an agent: in from the sources, the fullest channel', () => {
    const p = pipelineOf({
      name: 'tail',
      kind: 'agent',
      pid: 1,
      startedAt: '',
      updatedAt: '',
      state: 'running',
      alive: true,
      components: [
        {kind: 'SOURCE', name: 's', type: 'tail', counters: {EventAcceptedCount: 10}},
        {kind: 'CHANNEL', name: 'c1', type: 'MemoryChannel', counters: {ChannelFillPercentage: 12.5}},
        {kind: 'CHANNEL', name: 'c2', type: 'MemoryChannel', counters: {ChannelFillPercentage: 40}},
        {kind: 'SINK', name: 'k', type: 'kafka', state: 'ok', counters: {EventDrainSuccessCount: 9}},
      ],
    });
    expect(p).toMatchObject({state: 'running', eventsIn: 10, eventsOut: 9, channelFill: 40});
  });
});

describe('RateTracker', () => {
  it('messages/s from end offsets, events/s from counters timed by the status file, a history per rate', () => {
    const rates = new RateTracker(10_000);
    const at = (t: number, end: number, out: number) => {
      const s = snapshot({takenAt: t});
      s.topics.items[0]!.partitions[0]!.logEnd = end;
      s.pipelines.items = [pipeline({name: 'tail', eventsIn: out, eventsOut: out, updatedAt: new Date(t).toISOString()})];
      return rates.apply(s);
    };
    const first = at(0, 100, 0);
    expect(first.topics.items[0]!.perSec).toBeNull();
    expect(first.pipelines.items[0]!.outPerSec).toBeNull();
    const second = at(2000, 300, 50);
    expect(second.topics.items[0]!.perSec).toBe(100);
    expect(second.pipelines.items[0]!.inPerSec).toBe(25);
    expect(second.topics.items[0]!.history).toEqual([0, 100]);
    // A restarted process counts from zero again: no negative rate.
    const third = at(3000, 300, 5);
    expect(third.pipelines.items[0]!.outPerSec).toBeNull();
    expect(third.topics.items[0]!.perSec).toBe(200 / 3);
  });

  it('a partition without offsets for a while (its leader died) comes back without a phantom burst', () => {
    const rates = new RateTracker(10_000);
    const at = (t: number, p1: number | null) => {
      const s = snapshot({takenAt: t});
      s.topics.items[0]!.partitions[1]!.logEnd = p1;
      s.groups.items[0]!.partitions[1]!.logEnd = p1;
      // As the dashboard service sums it: a partition without offsets counts 0.
      s.topics.items[0]!.endOffset = s.topics.items[0]!.partitions.reduce((n, p) => n + (p.logEnd ?? 0), 0);
      return rates.apply(s);
    };
    at(0, 500);
    expect(at(1000, 500).topics.items[0]!.perSec).toBe(0);
    expect(at(2000, null).topics.items[0]!.perSec).toBe(0);
    const back = at(3000, 500);
    expect(back.topics.items[0]!.perSec).toBe(0);
    expect(back.groups.items[0]!.arrivalPerSec).toBe(0);
  });

  it('time to catch up is lag over the net rate; never when arrivals keep up', () => {
    expect(catchUp(0, null, null)).toBe(0);
    expect(catchUp(100, null, 5)).toBeNull();
    expect(catchUp(100, 30, 10)).toBe(5);
    expect(catchUp(100, 10, 10)).toBe('never');
  });
});

describe('a group opened in the dashboard', () => {
  it('names the member, its host and its client for each partition', () => {
    const t = groupPartitionsTable(snapshot().groups.items[0]);
    expect(t.headers).toEqual(['TOPIC', 'PARTITION', 'COMMITTED', 'LOG-END', 'LAG', 'MEMBER-ID', 'HOST', 'CLIENT-ID']);
    expect(t.rows[0].cells.slice(5)).toEqual(['kcollect-drain-7f3a', '/127.0.0.1', 'kcollect-drain']);
  });
});

describe('pipelines in the dashboard', () => {
  it("show each running sink's p99 latency next to its state", () => {
    const running = pipeline({name: 'tail', state: 'running'});
    const [row] = pipelinesTable(snapshot({pipelines: {items: [running]}})).rows;
    expect(row.cells.at(-1)).toBe('kafka:ok p99 14ms');
    const [stopped] = pipelinesTable(snapshot({pipelines: {items: [{...running, state: 'stopped'}]}})).rows;
    expect(stopped.cells.at(-1)).toBe('kafka:ok');
  });
});
