import {Args} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {clusterKill} from '../../src/services/cluster-service.js';

export default class ClusterKill extends KcollectCommand {
  static override summary = 'SIGKILL one broker of the cluster (failover drills)';
  static override examples = ['<%= config.bin %> cluster kill 2'];
  static override args = {broker: Args.integer({required: true, description: 'broker id'})};

  async run(): Promise<{id: number; pid: number; killed: boolean}> {
    const {args} = await this.parse(ClusterKill);
    const result = await clusterKill(args.broker);
    if (!this.jsonEnabled()) this.log(result.killed ? `broker ${result.id} (pid ${result.pid}) killed` : `broker ${result.id} was not running`);
    return result;
  }
}
