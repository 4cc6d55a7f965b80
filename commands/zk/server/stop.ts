import {Flags} from '#oclif';
import {KcollectCommand} from '../../../src/cli/base-command.js';
import {parseDuration} from '../../../src/lib/size.js';
import {DEFAULT_ZK_DATA_DIR, stopZookeeper, type ZkStopResult} from '../../../src/zk/server/index.js';

export default class ZkServerStop extends KcollectCommand {
  static override summary = 'Stop the ZooKeeper started by `zk server start`';
  static override description = 'Sends SIGTERM to every node started from the data dir, and SIGKILL to those still running after --timeout. The data stays. Stopping when nothing runs is not an error.';
  static override examples = ['<%= config.bin %> zk server stop', '<%= config.bin %> zk server stop --data-dir /tmp/zk'];

  static override flags = {
    'data-dir': Flags.string({default: DEFAULT_ZK_DATA_DIR, env: 'KCOLLECT_ZK_DATA_DIR', description: 'the data dir it was started with'}),
    timeout: Flags.string({default: '10s', env: 'KCOLLECT_ZK_STOP_TIMEOUT', description: 'SIGKILL nodes still running after this long'}),
  };

  async run(): Promise<ZkStopResult> {
    const {flags} = await this.parse(ZkServerStop);
    const result = await stopZookeeper(flags['data-dir'], {timeoutMs: parseDuration(flags.timeout, '--timeout')});
    if (!this.jsonEnabled()) {
      if (!result.wasRunning) this.log(`no ZooKeeper was running from ${result.dataDir}`);
      else for (const n of result.nodes) this.log(`node ${n.id} (pid ${n.pid}): ${n.result}`);
    }
    return result;
  }
}
