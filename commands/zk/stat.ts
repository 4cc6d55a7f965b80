import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveZookeeper, zookeeperFlag} from '../../src/cli/flags.js';
import {parseDuration} from '../../src/lib/size.js';
import {zkStat, type ZkStatResult} from '../../src/zk/ops.js';
import {formatStatLines} from '../../src/zk/stat.js';

export default class ZkStat extends KcollectCommand {
  static override summary = 'Print the Stat of a znode';
  static override description = 'Versions, zxids, times, ephemeral owner, data length and number of children, in zkCli.sh\'s layout (times in ISO 8601, UTC).';
  static override examples = ['<%= config.bin %> zk stat /controller', '<%= config.bin %> zk stat /brokers/ids/1 --json'];

  static override args = {
    path: Args.string({description: 'znode path', required: true}),
  };

  static override flags = {
    zookeeper: zookeeperFlag,
    'connect-timeout': Flags.string({default: '5s', env: 'KCOLLECT_ZK_CONNECT_TIMEOUT', description: 'give up when no server answers within this long'}),
  };

  async run(): Promise<ZkStatResult> {
    const {args, flags} = await this.parse(ZkStat);
    const connection = {connectString: resolveZookeeper(flags.zookeeper), connectTimeoutMs: parseDuration(flags['connect-timeout'], '--connect-timeout')};
    const result = await zkStat(connection, args.path);
    if (!this.jsonEnabled()) for (const line of formatStatLines(result.stat)) this.log(line);
    return result;
  }
}
