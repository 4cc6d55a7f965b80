import {Flags} from '#oclif';
import {KcollectCommand} from '../../../src/cli/base-command.js';
import {zookeeperFlag} from '../../../src/cli/flags.js';
import {formatServerStatus} from '../../../src/zk/format.js';
import {parseConnectString} from '../../../src/zk/paths.js';
import {DEFAULT_ZK_DATA_DIR, probeZookeeper, zookeeperStatus, type ZkStatus} from '../../../src/zk/server/index.js';

export default class ZkServerStatus extends KcollectCommand {
  static override summary = 'Show each ZooKeeper node: address, mode (leader/follower/standalone), znode count';
  static override description =
    'Asks every node with the `srvr` four-letter word. Looks at the nodes started from --data-dir; with --zookeeper (or KCOLLECT_ZOOKEEPER) and no --data-dir, at those servers instead, whoever started them.';
  static override examples = ['<%= config.bin %> zk server status', '<%= config.bin %> zk server status --json', '<%= config.bin %> zk server status --zookeeper 10.0.0.1:2181,10.0.0.2:2181'];

  static override flags = {
    'data-dir': Flags.string({env: 'KCOLLECT_ZK_DATA_DIR', description: `the data dir it was started with (default ${DEFAULT_ZK_DATA_DIR})`}),
    zookeeper: zookeeperFlag,
  };

  async run(): Promise<ZkStatus> {
    const {flags} = await this.parse(ZkServerStatus);
    const status =
      flags['data-dir'] === undefined && flags.zookeeper !== undefined
        ? await probeZookeeper(parseConnectString(flags.zookeeper).servers)
        : await zookeeperStatus(flags['data-dir'] ?? DEFAULT_ZK_DATA_DIR);
    if (!this.jsonEnabled()) for (const line of formatServerStatus(status)) this.log(line);
    return status;
  }
}
