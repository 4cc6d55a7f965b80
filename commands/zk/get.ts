import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveZookeeper, zookeeperFlag} from '../../src/cli/flags.js';
import {parseDuration} from '../../src/lib/size.js';
import {hexDump, isPrintableText} from '../../src/zk/data.js';
import {zkGet, type ZkGetResult} from '../../src/zk/ops.js';
import {formatStatLines} from '../../src/zk/stat.js';

export default class ZkGet extends KcollectCommand {
  static override summary = 'Print the data of a znode';
  static override description =
    'Prints the data as text when it is UTF-8; otherwise as a hex dump (saying so on stderr) rather than mojibake. With -s, the Stat follows (zkCli.sh `get -s`). --json gives the data as base64, plus utf8 when it is valid UTF-8, and the Stat.';
  static override examples = ['<%= config.bin %> zk get /brokers/ids/1', '<%= config.bin %> zk get /controller -s', '<%= config.bin %> zk get /config/topics/logs --json'];

  static override args = {
    path: Args.string({description: 'znode path', required: true}),
  };

  static override flags = {
    zookeeper: zookeeperFlag,
    'connect-timeout': Flags.string({default: '5s', env: 'KCOLLECT_ZK_CONNECT_TIMEOUT', description: 'give up when no server answers within this long'}),
    stat: Flags.boolean({char: 's', description: 'print the Stat after the data'}),
  };

  async run(): Promise<ZkGetResult> {
    const {args, flags} = await this.parse(ZkGet);
    const connection = {connectString: resolveZookeeper(flags.zookeeper), connectTimeoutMs: parseDuration(flags['connect-timeout'], '--connect-timeout')};
    const result = await zkGet(connection, args.path);
    if (!this.jsonEnabled()) {
      const {utf8, length, base64} = result.data;
      if (isPrintableText(utf8)) {
        if (length > 0) process.stdout.write(utf8.endsWith('\n') ? utf8 : `${utf8}\n`);
      } else {
        process.stderr.write(`(${result.path} holds ${length} bytes that are not ${utf8 === null ? 'UTF-8' : 'printable'} text; shown as hex)\n`);
        for (const line of hexDump(Buffer.from(base64, 'base64'))) this.log(line);
      }
      if (flags.stat) for (const line of formatStatLines(result.stat)) this.log(line);
    }
    return result;
  }
}
