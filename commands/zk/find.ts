import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveZookeeper, zookeeperFlag} from '../../src/cli/flags.js';
import {parseDuration} from '../../src/lib/size.js';
import {zkFind, type ZkFindResult} from '../../src/zk/ops.js';

export default class ZkFind extends KcollectCommand {
  static override summary = 'Find znodes whose path matches a pattern';
  static override description = 'Like zk-shell `find` (and `ifind` with -i): PATTERN is a regular expression searched in the full path of the znode and of everything under it.';
  static override examples = ['<%= config.bin %> zk find / partitions', '<%= config.bin %> zk find /brokers/topics "/partitions/[0-9]+$"', '<%= config.bin %> zk find / LOGS -i'];

  static override args = {
    path: Args.string({description: 'znode path to search under', required: true}),
    pattern: Args.string({description: 'regular expression', required: true}),
  };

  static override flags = {
    zookeeper: zookeeperFlag,
    'connect-timeout': Flags.string({default: '5s', env: 'KCOLLECT_ZK_CONNECT_TIMEOUT', description: 'give up when no server answers within this long'}),
    'ignore-case': Flags.boolean({char: 'i', description: 'match regardless of case'}),
  };

  async run(): Promise<ZkFindResult> {
    const {args, flags} = await this.parse(ZkFind);
    const connection = {connectString: resolveZookeeper(flags.zookeeper), connectTimeoutMs: parseDuration(flags['connect-timeout'], '--connect-timeout')};
    const result = await zkFind(connection, args.path, args.pattern, {ignoreCase: flags['ignore-case']});
    if (!this.jsonEnabled()) for (const line of result.matches) this.log(line);
    return result;
  }
}
