import {KcollectCommand} from '../../src/cli/base-command.js';
import {clusterStatus, type ClusterStatusResult} from '../../src/services/cluster-service.js';
import {table} from '../../src/services/text-table.js';

export default class ClusterStatus extends KcollectCommand {
  static override summary = 'Processes, addresses, controller, under-replicated and offline partitions';
  static override examples = ['<%= config.bin %> cluster status', '<%= config.bin %> cluster status --json'];

  async run(): Promise<ClusterStatusResult> {
    const s = await clusterStatus();
    if (!this.jsonEnabled()) {
      this.log(`cluster ${s.name} (${s.type}), started ${s.startedAt}`);
      this.log(`controller: ${s.controller ?? 'unknown (no broker answers)'}\n`);
      this.log(table(['broker', 'address', 'pid', 'process', 'answers', 'registered', 'log'], s.brokers.map((b) => [b.id, b.address, b.pid, b.process, b.answers ? 'yes' : 'no', b.registered ? 'yes' : 'no', b.log])));
      if (s.zookeeper) {
        this.log('');
        this.log(table(['zookeeper', 'address', 'mode'], s.zookeeper.nodes.map((n) => [n.id, n.address, n.mode])));
      }
      this.log(`\n${s.topics} topic(s), ${s.partitions} partition(s): ${s.underReplicated.length} under-replicated, ${s.offline.length} offline`);
      for (const p of [...s.offline.map((x) => ({...x, what: 'offline'})), ...s.underReplicated.map((x) => ({...x, what: 'under-replicated'}))]) {
        this.log(`  ${p.topic}-${p.partition}: ${p.what} (leader ${p.leader}, replicas [${p.replicas.join(',')}], isr [${p.isr.join(',')}])`);
      }
    }
    return s;
  }
}
