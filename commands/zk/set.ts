import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveZookeeper, zookeeperFlag} from '../../src/cli/flags.js';
import {UserError} from '../../src/lib/errors.js';
import {parseDuration} from '../../src/lib/size.js';
import {readDataInput} from '../../src/zk/data.js';
import {zkSet, type ZkSetResult} from '../../src/zk/ops.js';

export default class ZkSet extends KcollectCommand {
  static override summary = 'Set the data of a znode';
  static override description = 'With -v VERSION the write is a compare-and-set: it only happens when the znode is still at that dataVersion (see `zk stat`).';
  static override examples = ['<%= config.bin %> zk set /app/config \'{"retention":"3d"}\'', '<%= config.bin %> zk set /app/config new -v 4', '<%= config.bin %> zk set /app/blob --data-file blob.bin'];

  static override args = {
    path: Args.string({description: 'znode path', required: true}),
    data: Args.string({description: 'data, as UTF-8 text (or use --data-file)'}),
  };

  static override flags = {
    zookeeper: zookeeperFlag,
    'connect-timeout': Flags.string({default: '5s', env: 'KCOLLECT_ZK_CONNECT_TIMEOUT', description: 'give up when no server answers within this long'}),
    version: Flags.integer({char: 'v', description: 'only set when the znode is at this dataVersion'}),
    'data-file': Flags.string({description: 'read the data (any bytes) from this file, or - for stdin'}),
  };

  async run(): Promise<ZkSetResult> {
    const {args, flags} = await this.parse(ZkSet);
    const connection = {connectString: resolveZookeeper(flags.zookeeper), connectTimeoutMs: parseDuration(flags['connect-timeout'], '--connect-timeout')};
    const data = readDataInput(args.data, flags['data-file']);
    if (data === undefined) throw new UserError('no data given', 'pass DATA after the path (use "" for empty), or --data-file FILE');
    const result = await zkSet(connection, args.path, data, {version: flags.version});
    if (!this.jsonEnabled()) this.log(`Set ${result.path} (now at version ${result.stat.version}, ${result.stat.dataLength} bytes)`);
    return result;
  }
}
