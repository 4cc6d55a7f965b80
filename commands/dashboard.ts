import {Flags} from '#oclif';
import {KcollectCommand} from '../src/cli/base-command.js';
import {zookeeperFlag} from '../src/cli/flags.js';
import {kafkaFlags, resolveKafka} from '../src/cli/client-flags.js';
import {untilInterrupted} from '../src/cli/interrupt.js';
import {UserError} from '../src/lib/errors.js';
import {parseDuration} from '../src/lib/size.js';
import {startDashboardFeed, takeSnapshot, zookeeperFor, znodeBrowser} from '../src/services/dashboard-service.js';
import type {ClusterSnapshot} from '../src/telemetry/cluster-snapshot.js';
import {renderPlain} from '../src/ui/plain.js';
import {showDashboard} from '../src/ui/show-dashboard.js';

export default class Dashboard extends KcollectCommand {
  static override summary = 'Live view of brokers, topics, consumer groups, running agents and drains, and ZooKeeper';
  static override description = `Panels: brokers (id, address, controller, up/down); topics (partitions, messages/s from end offsets with a sparkline, end offsets, size, under-replicated partitions); consumer groups (state, members, lag, consume rate, time to catch up); pipelines (every agent and drain publishing a status in .kcollect/status/: events in and out per second, channel fill, sink state ok/parked/retrying with backlog); ZooKeeper (mode per node, and a znode browser).

Keys: tab and ←/→ move between panels, ↑/↓ select, enter opens a topic (partitions: leader, ISR, offsets), a group (lag per partition), a pipeline (its counters) or the znode browser; esc goes back; / filters by name; ? shows help; q quits.

Off a TTY, or with --once, prints one plain snapshot and exits (--json: the snapshot as JSON).`;
  static override examples = ['<%= config.bin %> dashboard', '<%= config.bin %> dashboard -b 127.0.0.1:9092 --zookeeper 127.0.0.1:2181 --refresh 2s', '<%= config.bin %> dashboard --once'];

  static override flags = {
    ...kafkaFlags,
    zookeeper: zookeeperFlag,
    refresh: Flags.string({default: '1s', env: 'KCOLLECT_REFRESH', description: 'time between snapshots, e.g. 500ms, 2s'}),
    once: Flags.boolean({default: false, env: 'KCOLLECT_ONCE', description: 'print one plain snapshot and exit (the default off a TTY)'}),
    'data-dir': Flags.string({env: 'KCOLLECT_DATA_DIR', description: "a single local broker's data dir, to show partition sizes (brokers of `cluster up` are found from its state)"}),
  };

  async run(): Promise<ClusterSnapshot | void> {
    const {flags} = await this.parse(Dashboard);
    const refreshMs = parseDuration(flags.refresh, '--refresh');
    if (refreshMs < 100) throw new UserError(`--refresh ${flags.refresh} is too short`, 'use 100ms or more, e.g. --refresh 1s');
    const options = {brokers: resolveKafka(flags), zookeeper: zookeeperFor(flags.zookeeper), dataDir: flags['data-dir']};
    if (flags.once || this.jsonEnabled() || !process.stdout.isTTY || !process.stdin.isTTY) {
      const snapshot = await takeSnapshot(options);
      if (!this.jsonEnabled()) this.log(renderPlain(snapshot));
      return snapshot;
    }
    const feed = startDashboardFeed({...options, refreshMs});
    const browser = options.zookeeper ? znodeBrowser(options.zookeeper) : undefined;
    try {
      await untilInterrupted((signal) => showDashboard({feed, browse: browser?.browse, refresh: flags.refresh}, signal));
    } finally {
      await feed.stop();
      await browser?.close();
    }
  }
}
