import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveZookeeper, zookeeperFlag} from '../../src/cli/flags.js';
import {parseDuration} from '../../src/lib/size.js';
import {zkLs, type ZkLsResult} from '../../src/zk/ops.js';

export default class ZkLs extends KcollectCommand {
  static override summary = 'List the children of a znode';
  static override description = 'Like zkCli.sh `ls`: child names, sorted. With -R, the znode and every znode under it, full paths, depth first.';
  static override examples = ['<%= config.bin %> zk ls /', '<%= config.bin %> zk ls /brokers -R', '<%= config.bin %> zk ls /brokers/ids --json --zookeeper 127.0.0.1:2181/kafka'];

  static override args = {
    path: Args.string({description: 'znode path', default: '/'}),
  };

  static override flags = {
    zookeeper: zookeeperFlag,
    'connect-timeout': Flags.string({default: '5s', env: 'KCOLLECT_ZK_CONNECT_TIMEOUT', description: 'give up when no server answers within this long'}),
    recursive: Flags.boolean({char: 'R', description: 'list everything under the znode'}),
  };

  async run(): Promise<ZkLsResult> {
    const {args, flags} = await this.parse(ZkLs);
    const connection = {connectString: resolveZookeeper(flags.zookeeper), connectTimeoutMs: parseDuration(flags['connect-timeout'], '--connect-timeout')};
    const result = await zkLs(connection, args.path, {recursive: flags.recursive});
    if (!this.jsonEnabled()) for (const line of result.paths ?? result.children) this.log(line);
    return result;
  }
}
