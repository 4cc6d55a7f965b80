import {Args} from '@oclif/core';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {loadTopology} from '../../src/topology/cluster-topology.js';

export interface TopologyValidateResult {
  file: string;
  valid: true;
  type: string;
  brokers: number;
  zookeeper: number;
}

export default class TopologyValidate extends KcollectCommand {
  static override summary = 'Check a topology file (which key is wrong, and how to fix it)';
  static override examples = ['<%= config.bin %> topology validate topology/multi-broker-single-node.yaml'];
  static override args = {file: Args.string({required: true, description: 'topology YAML file'})};

  async run(): Promise<TopologyValidateResult> {
    const {args} = await this.parse(TopologyValidate);
    const t = loadTopology(args.file);
    const result: TopologyValidateResult = {file: args.file, valid: true, type: t.type, brokers: t.brokers.length, zookeeper: t.zookeeper?.ensemble ?? 0};
    if (!this.jsonEnabled()) this.log(`${args.file}: valid ${t.type} topology (${t.brokers.length} broker(s)${t.zookeeper ? `, ZooKeeper ensemble of ${t.zookeeper.ensemble}` : ''})`);
    return result;
  }
}
