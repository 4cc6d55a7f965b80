import {Flags} from '#oclif';
import {KcollectCommand} from '../src/cli/base-command.js';
import {zookeeperFlag} from '../src/cli/flags.js';
import {kafkaFlags, resolveKafka} from '../src/cli/client-flags.js';
import {takeSnapshot, zookeeperFor} from '../src/services/dashboard-service.js';
import type {ClusterSnapshot} from '../src/telemetry/cluster-snapshot.js';
import {renderPlain} from '../src/ui/plain.js';

const dataDirFlag = Flags.string({
  env: 'KCOLLECT_DATA_DIR',
  description: "a single local broker's data dir, to show partition sizes (brokers of `cluster up` are found from its state)",
});

export default class Status extends KcollectCommand {
  static override summary = 'Print brokers, topics, consumer groups, running agents and drains, and ZooKeeper once';
  static override description =
    'The data of `kcollect dashboard`, printed once. Agents and drains are read from the status files they publish in .kcollect/status/ (in the directory they run in); a panel that cannot be read (a broker down) shows its error and the others still print. Rates need two samples: use the dashboard for them.';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json', '<%= config.bin %> status -b 10.0.0.1:9092 --zookeeper 10.0.0.1:2181'];

  static override flags = {...kafkaFlags, zookeeper: zookeeperFlag, 'data-dir': dataDirFlag};

  async run(): Promise<ClusterSnapshot> {
    const {flags} = await this.parse(Status);
    const snapshot = await takeSnapshot({brokers: resolveKafka(flags), zookeeper: zookeeperFor(flags.zookeeper), dataDir: flags['data-dir']});
    if (!this.jsonEnabled()) this.log(renderPlain(snapshot));
    return snapshot;
  }
}
