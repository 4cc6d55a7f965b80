import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {clusterDown, type ClusterDownResult} from '../../src/services/cluster-service.js';

export default class ClusterDown extends KcollectCommand {
  static override summary = 'Stop the cluster started by `cluster up` (brokers, then ZooKeeper)';
  static override examples = ['<%= config.bin %> cluster down', '<%= config.bin %> cluster down --purge'];
  static override flags = {
    purge: Flags.boolean({default: false, description: 'also delete the data dirs of the brokers and ZooKeeper'}),
  };

  async run(): Promise<ClusterDownResult> {
    const {flags} = await this.parse(ClusterDown);
    const result = await clusterDown(flags.purge);
    if (!this.jsonEnabled()) {
      for (const b of result.brokers) this.log(`broker ${b.id}: ${b.result}`);
      if (result.zookeeperStopped) this.log('ZooKeeper: stopped');
      for (const dir of result.purged) this.log(`removed ${dir}`);
    }
    return result;
  }
}
