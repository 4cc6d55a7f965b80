import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveZookeeper, zookeeperFlag} from '../../src/cli/flags.js';
import {parseDuration} from '../../src/lib/size.js';
import {formatWatchEvent} from '../../src/zk/format.js';
import {zkWatch} from '../../src/zk/ops.js';

export default class ZkWatch extends KcollectCommand {
  static override summary = 'Print changes to a znode until Ctrl-C';
  static override description =
    'Reports NODE_CREATED, NODE_DELETED, NODE_DATA_CHANGED (with the new version) and NODE_CHILDREN_CHANGED (with the children added and removed), setting ZooKeeper\'s one-shot watches again after each event; with -R, for everything under the znode too. The znode need not exist yet. Connection changes are reported as CONNECTION events. With --json, one JSON object per line.';
  static override examples = ['<%= config.bin %> zk watch /controller', '<%= config.bin %> zk watch /brokers -R --json'];

  static override args = {
    path: Args.string({description: 'znode path', required: true}),
  };

  static override flags = {
    zookeeper: zookeeperFlag,
    'connect-timeout': Flags.string({default: '5s', env: 'KCOLLECT_ZK_CONNECT_TIMEOUT', description: 'give up when no server answers within this long'}),
    recursive: Flags.boolean({char: 'R', description: 'watch everything under the znode too'}),
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ZkWatch);
    const connection = {connectString: resolveZookeeper(flags.zookeeper), connectTimeoutMs: parseDuration(flags['connect-timeout'], '--connect-timeout')};
    const json = this.jsonEnabled();
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const summary = await zkWatch(
        connection,
        args.path,
        {
          recursive: flags.recursive,
          signal: abort.signal,
          onReady: () => process.stderr.write(`watching ${args.path}${flags.recursive ? ' and everything under it' : ''} on ${connection.connectString}; Ctrl-C to stop\n`),
        },
        (event) => process.stdout.write(json ? `${JSON.stringify(event)}\n` : `${formatWatchEvent(event)}\n`),
      );
      process.stderr.write(`stopped watching ${summary.path} after ${summary.events} events\n`);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
