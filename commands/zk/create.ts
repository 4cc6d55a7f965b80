import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveZookeeper, zookeeperFlag} from '../../src/cli/flags.js';
import {parseDuration} from '../../src/lib/size.js';
import {readDataInput} from '../../src/zk/data.js';
import {zkCreate, type ZkCreateCommandResult} from '../../src/zk/ops.js';

export default class ZkCreate extends KcollectCommand {
  static override summary = 'Create a znode';
  static override description =
    'Like zkCli.sh `create [-e] [-s] PATH [DATA]`, plus -p to create missing parents (persistent, empty). An ephemeral znode lives as long as the session that created it, and this command\'s session ends when it exits.';
  static override examples = [
    '<%= config.bin %> zk create /app/config \'{"retention":"7d"}\' -p',
    '<%= config.bin %> zk create /app/queue/item- payload -s',
    '<%= config.bin %> zk create /app/blob --data-file blob.bin',
  ];

  static override args = {
    path: Args.string({description: 'znode path', required: true}),
    data: Args.string({description: 'data, as UTF-8 text (default: none)'}),
  };

  static override flags = {
    zookeeper: zookeeperFlag,
    'connect-timeout': Flags.string({default: '5s', env: 'KCOLLECT_ZK_CONNECT_TIMEOUT', description: 'give up when no server answers within this long'}),
    ephemeral: Flags.boolean({char: 'e', description: 'ephemeral: deleted when the session ends'}),
    sequential: Flags.boolean({char: 's', description: 'append a 10-digit sequence number to the name'}),
    parents: Flags.boolean({char: 'p', description: 'create missing parents'}),
    'data-file': Flags.string({description: 'read the data (any bytes) from this file, or - for stdin'}),
  };

  async run(): Promise<ZkCreateCommandResult> {
    const {args, flags} = await this.parse(ZkCreate);
    const connection = {connectString: resolveZookeeper(flags.zookeeper), connectTimeoutMs: parseDuration(flags['connect-timeout'], '--connect-timeout')};
    const data = readDataInput(args.data, flags['data-file']);
    const result = await zkCreate(connection, args.path, data, {ephemeral: flags.ephemeral, sequential: flags.sequential, parents: flags.parents});
    if (!this.jsonEnabled()) {
      for (const p of result.parentsCreated) this.log(`Created ${p}`);
      this.log(`Created ${result.path}`);
      if (result.mode === 'ephemeral') process.stderr.write(`note: ${result.path} is ephemeral and went away with this command's session\n`);
    }
    return result;
  }
}
