import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveZookeeper, zookeeperFlag} from '../../src/cli/flags.js';
import {parseDuration} from '../../src/lib/size.js';
import {zkRm, type ZkRmResult} from '../../src/zk/ops.js';

export default class ZkRm extends KcollectCommand {
  static override summary = 'Remove a znode';
  static override description = 'Like zkCli.sh `delete` (and `deleteall` with -r). Refuses / and /brokers unless --force; never touches /zookeeper.';
  static override examples = ['<%= config.bin %> zk rm /app/config', '<%= config.bin %> zk rm /app -r', '<%= config.bin %> zk rm /app/lock -v 0'];

  static override args = {
    path: Args.string({description: 'znode path', required: true}),
  };

  static override flags = {
    zookeeper: zookeeperFlag,
    'connect-timeout': Flags.string({default: '5s', env: 'KCOLLECT_ZK_CONNECT_TIMEOUT', description: 'give up when no server answers within this long'}),
    recursive: Flags.boolean({char: 'r', description: 'remove everything under the znode too'}),
    force: Flags.boolean({description: 'allow removing / or /brokers'}),
    version: Flags.integer({char: 'v', description: 'only remove when the znode is at this dataVersion'}),
  };

  async run(): Promise<ZkRmResult> {
    const {args, flags} = await this.parse(ZkRm);
    const connection = {connectString: resolveZookeeper(flags.zookeeper), connectTimeoutMs: parseDuration(flags['connect-timeout'], '--connect-timeout')};
    const result = await zkRm(connection, args.path, {recursive: flags.recursive, force: flags.force, version: flags.version});
    if (!this.jsonEnabled()) {
      const under = result.removed.filter((p) => p !== result.path).length;
      if (!result.removed.includes(result.path)) this.log(`Removed ${under} znodes under ${result.path} (${result.path} itself stays)`);
      else this.log(under === 0 ? `Removed ${result.path}` : `Removed ${result.path} and ${under} znodes under it`);
    }
    return result;
  }
}
