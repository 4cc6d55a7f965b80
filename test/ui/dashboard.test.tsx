import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {ClusterSnapshot, SnapshotFeed, ZnodeListing} from '../../src/telemetry/cluster-snapshot.js';
import {Dashboard} from '../../src/ui/dashboard.js';
import {snapshot} from './fixtures.js';

/** A feed the test pushes snapshots into, as the dashboard service does on every change. */
function feedOf(first?: ClusterSnapshot): SnapshotFeed & {push(s: ClusterSnapshot): void} {
  let latest = first;
  const listeners = new Set<(s: ClusterSnapshot) => void>();
  return {
    current: () => latest,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    push(s) {
      latest = s;
      for (const l of listeners) l(s);
    },
  };
}

let app: ReturnType<typeof render> | undefined;
afterEach(() => app?.unmount());

/** Polls the last frame until it satisfies `check` (React renders after the input, not during it). */
async function frameWhere(check: (frame: string) => boolean): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const frame = app!.lastFrame() ?? '';
    if (check(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`no such frame; the last one:\n${frame}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const press = async (...keys: string[]) => {
  // Ink starts listening in an effect, after the first frame.
  while (app!.stdin.listenerCount('readable') === 0) await new Promise((r) => setTimeout(r, 5));
  for (const k of keys) {
    app!.stdin.write(k);
    // One key per input event, as a person types (a lone esc is told from a sequence on the next turn).
    await new Promise((r) => setTimeout(r, 5));
  }
};

const KEY = {tab: '\t', enter: '\r', esc: '\u001B', down: '\u001B[B', backtab: '\u001B[Z'};

describe('Dashboard', () => {
  it('shows every panel: brokers up and down, topic rates, group lag and catch-up, a parked drain, ZooKeeper modes', async () => {
    app = render(<Dashboard feed={feedOf(snapshot())} refresh="1s" />);
    const frame = await frameWhere((f) => f.includes('PIPELINES'));
    expect(frame).toMatch(/1\s+127\.0\.0\.1:9092\s+yes\s+up/);
    expect(frame).toMatch(/2\s+127\.0\.0\.1:9093\s+DOWN/);
    expect(frame).toMatch(/SmartCar-Topic\s+2\s+30\.0\/s\s+\S+\s+1200\s+1200\s+117\.2 KiB\s+1/);
    expect(frame).toMatch(/hbase-loader\s+Stable\s+1\s+120\s+40\.0\/s.*12s/);
    expect(frame).toMatch(/drain-hbase-loader\s+drain\s+parked\s+-\s+0\.0\/s/);
    expect(frame).toMatch(/tail-produce\s+agent\s+running\s+12\.5\/s\s+11\.0\/s.*3%\s+kafka:ok/);
    expect(frame).toMatch(/ZOOKEEPER 127\.0\.0\.1:2181\s+standalone/);
    expect(frame).toMatch(/1\s+127\.0\.0\.1:2181\s+standalone\s+5/);
  });

  it('redraws when the feed brings a new snapshot', async () => {
    const feed = feedOf(snapshot());
    app = render(<Dashboard feed={feed} />);
    await frameWhere((f) => f.includes('30.0/s'));
    const next = snapshot();
    next.topics.items[0]!.perSec = 75;
    feed.push(next);
    await frameWhere((f) => f.includes('75.0/s'));
  });

  it('a broker that is down shows its error in the Kafka panels, the pipelines still show', async () => {
    const error = 'no Kafka broker answers at 127.0.0.1:9092';
    app = render(<Dashboard feed={feedOf(snapshot({brokers: {items: [], controller: null, error}, topics: {items: [], error}, groups: {items: [], error}}))} />);
    const frame = await frameWhere((f) => f.includes('PIPELINES'));
    expect(frame.match(/no Kafka broker answers/g)).toHaveLength(3);
    expect(frame).toContain('drain-hbase-loader');
  });

  it('before the first snapshot it says it is collecting', async () => {
    app = render(<Dashboard feed={feedOf()} />);
    await frameWhere((f) => f.includes('collecting the first snapshot'));
  });

  it('tab moves to the groups panel, enter drills into the group (lag per partition), esc comes back', async () => {
    app = render(<Dashboard feed={feedOf(snapshot())} />);
    await frameWhere((f) => f.includes('PIPELINES'));
    await press(KEY.tab, KEY.enter);
    const group = await frameWhere((f) => f.includes('GROUP hbase-loader'));
    expect(group).toMatch(/SmartCar-Topic\s+0\s+600\s+700\s+100\s+kcollect-drain/);
    expect(group).toMatch(/SmartCar-Topic\s+1\s+480\s+500\s+20\s+kcollect-drain/);
    expect(group).not.toContain('PIPELINES');
    await press(KEY.esc);
    await frameWhere((f) => f.includes('PIPELINES'));
  });

  it('enter on a topic lists its partitions with leader, ISR and under-replication; arrows pick the topic', async () => {
    app = render(<Dashboard feed={feedOf(snapshot())} />);
    await frameWhere((f) => f.includes('PIPELINES'));
    // Topics are focused first; the second row is audit-log.
    await press(KEY.down, KEY.enter);
    await frameWhere((f) => f.includes('TOPIC audit-log'));
    await press(KEY.esc);
    await frameWhere((f) => f.includes('PIPELINES'));
    await press('\u001B[A', KEY.enter);
    const topic = await frameWhere((f) => f.includes('TOPIC SmartCar-Topic'));
    expect(topic).toMatch(/0\s+1\s+1,2\s+1\s+0\s+700\s+68\.4 KiB\s+20\.0\/s\s+UNDER-REPLICATED/);
    expect(topic).toMatch(/1\s+1\s+1,2\s+1,2\s+0\s+500\s+48\.8 KiB\s+10\.0\/s\s+ok/);
  });

  it('enter on a pipeline shows its components and counters', async () => {
    app = render(<Dashboard feed={feedOf(snapshot())} />);
    await frameWhere((f) => f.includes('PIPELINES'));
    await press(KEY.tab, KEY.tab, KEY.down, KEY.enter);
    const frame = await frameWhere((f) => f.includes('DRAIN drain-hbase-loader'));
    expect(frame).toMatch(/DRAIN\.hbase-loader\s+hbase\s+parked\s+EventDrainSuccessCount=3475 Backlog=390/);
    expect(frame).toContain('pid 4242');
  });

  it('/ filters topics, groups and pipelines by name; esc clears the filter', async () => {
    app = render(<Dashboard feed={feedOf(snapshot())} />);
    await frameWhere((f) => f.includes('PIPELINES'));
    await press('/', 'a', 'u', 'd');
    const filtered = await frameWhere((f) => f.includes('filter: aud'));
    expect(filtered).toContain('audit-log');
    expect(filtered).not.toContain('SmartCar-Topic');
    expect(filtered).toContain('(no group matches the filter)');
    await press(KEY.esc);
    await frameWhere((f) => !f.includes('filter:') && f.includes('SmartCar-Topic'));
  });

  it('? shows the keys, any key closes the help', async () => {
    app = render(<Dashboard feed={feedOf(snapshot())} />);
    await frameWhere((f) => f.includes('PIPELINES'));
    await press('?');
    const help = await frameWhere((f) => f.includes('KEYS'));
    expect(help).toContain('q, ctrl-c');
    await press(' ');
    await frameWhere((f) => f.includes('PIPELINES'));
  });

  it('the znode browser: enter on ZooKeeper lists /, enter descends, backspace goes up', async () => {
    const tree: Record<string, ZnodeListing> = {
      '/': {path: '/', children: ['brokers', 'zookeeper'], data: null},
      '/brokers': {path: '/brokers', children: ['ids', 'topics'], data: '{"version":1}'},
    };
    const browse = async (path: string) => tree[path] ?? {path, children: [], data: null, error: 'NONODE'};
    app = render(<Dashboard feed={feedOf(snapshot())} browse={browse} />);
    await frameWhere((f) => f.includes('PIPELINES'));
    // From topics, shift-tab twice wraps around to ZooKeeper.
    await press(KEY.backtab, KEY.backtab, KEY.enter);
    const root = await frameWhere((f) => f.includes('ZNODE /') && f.includes('CHILDREN'));
    expect(root).toMatch(/CHILD\s*\n\s*brokers/);
    expect(root).toContain('zookeeper');
    await press(KEY.enter);
    const brokers = await frameWhere((f) => f.includes('ZNODE /brokers') && f.includes('CHILDREN'));
    expect(brokers).toContain('{"version":1}');
    expect(brokers).toMatch(/ids\s*\n\s*topics/);
    await press('\u007F');
    await frameWhere((f) => f.includes('ZNODE /') && !f.includes('ZNODE /brokers') && f.includes('zookeeper'));
  });

  it('the header clock keeps moving while the znode browser is open', async () => {
    const browse = async (path: string): Promise<ZnodeListing> => ({path, children: ['brokers'], data: null});
    const feed = feedOf(snapshot());
    app = render(<Dashboard feed={feed} browse={browse} />);
    await frameWhere((f) => f.includes('PIPELINES'));
    await press(KEY.backtab, KEY.backtab, KEY.enter);
    const first = await frameWhere((f) => f.includes('ZNODE /') && f.includes('CHILDREN'));
    const clock = /updated (\d\d:\d\d:\d\d)/.exec(first)![1];
    feed.push(snapshot({takenAt: snapshot().takenAt + 7000}));
    const later = await frameWhere((f) => /updated \d\d:\d\d:\d\d/.test(f) && !f.includes(`updated ${clock}`));
    expect(later).toContain('ZNODE /');
  });

  it('never draws more lines than the terminal has', async () => {
    const many = snapshot();
    many.topics.items = Array.from({length: 80}, (_, i) => ({...many.topics.items[1]!, name: `topic-${String(i).padStart(2, '0')}`}));
    app = render(<Dashboard feed={feedOf(many)} />);
    const frame = await frameWhere((f) => f.includes('PIPELINES'));
    // ink-testing-library's stdout has no row count: the dashboard assumes 40.
    expect(frame.split('\n').length).toBeLessThan(40);
    expect(frame).toMatch(/TOPICS\s+1-\d+ of 80/);
  });
});
