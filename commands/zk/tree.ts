import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveZookeeper, zookeeperFlag} from '../../src/cli/flags.js';
import {parseDuration} from '../../src/lib/size.js';
import {formatTree} from '../../src/zk/format.js';
import {zkTree, type ZkTreeNode} from '../../src/zk/ops.js';

export default class ZkTree extends KcollectCommand {
  static override summary = 'Draw the znode tree';
  static override description = 'Like zk-shell `tree`: the znode and everything under it, children in name order. --json gives nested {path, name, children}.';
  static override examples = ['<%= config.bin %> zk tree', '<%= config.bin %> zk tree /brokers -d 2'];

  static override args = {
    path: Args.string({description: 'znode path', default: '/'}),
  };

  static override flags = {
    zookeeper: zookeeperFlag,
    'connect-timeout': Flags.string({default: '5s', env: 'KCOLLECT_ZK_CONNECT_TIMEOUT', description: 'give up when no server answers within this long'}),
    'max-depth': Flags.integer({char: 'd', min: 0, description: 'go at most this many levels down'}),
  };

  async run(): Promise<ZkTreeNode> {
    const {args, flags} = await this.parse(ZkTree);
    const connection = {connectString: resolveZookeeper(flags.zookeeper), connectTimeoutMs: parseDuration(flags['connect-timeout'], '--connect-timeout')};
    const result = await zkTree(connection, args.path, {maxDepth: flags['max-depth']});
    if (!this.jsonEnabled()) for (const line of formatTree(result)) this.log(line);
    return result;
  }
}
