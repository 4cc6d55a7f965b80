import {Args} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {clusterRestart} from '../../src/services/cluster-service.js';

export default class ClusterRestart extends KcollectCommand {
  static override summary = 'Restart one broker of the cluster with its data dir, and wait until it answers';
  static override examples = ['<%= config.bin %> cluster restart 2'];
  static override args = {broker: Args.integer({required: true, description: 'broker id'})};

  async run(): Promise<{id: number; pid: number; address: string; previous: string}> {
    const {args} = await this.parse(ClusterRestart);
    const result = await clusterRestart(args.broker);
    if (!this.jsonEnabled()) this.log(`broker ${result.id} ready on ${result.address} (pid ${result.pid}; before: ${result.previous})`);
    return result;
  }
}
