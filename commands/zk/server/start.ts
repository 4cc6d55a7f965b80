import path from 'node:path';
import {Flags} from '#oclif';
import {KcollectCommand} from '../../../src/cli/base-command.js';
import {parseDuration} from '../../../src/lib/size.js';
import {formatTable} from '../../../src/zk/format.js';
import {DEFAULT_ZK_DATA_DIR, DEFAULT_ZK_PORT, startZookeeper, type ZkNodeInfo} from '../../../src/zk/server/index.js';

export interface ZkServerStartResult {
  connectString: string;
  dataDir: string;
  ensemble: 1 | 3;
  leaderId: number;
  nodes: ZkNodeInfo[];
}

export default class ZkServerStart extends KcollectCommand {
  static override summary = 'Start a real ZooKeeper (standalone or a 3-node ensemble) in the background';
  static override description = `Runs Debian's ZooKeeper (\`apt-get install -y zookeeper\`) detached, on loopback, and returns once it serves: standalone answers, or the ensemble has elected a leader. Node i listens for clients on PORT+i-1 (quorum PORT+707+i-1, election PORT+1707+i-1: 2181, 2888, 3888 by default). Config, data, zookeeper.log and pid of each node are in DATA_DIR/node-i; \`zk server stop\` and \`zk server status\` find them there. KCOLLECT_ZK_JAR overrides the jar (default /usr/share/java/zookeeper.jar).`;
  static override examples = ['<%= config.bin %> zk server start', '<%= config.bin %> zk server start --ensemble 3', '<%= config.bin %> zk server start --port 12181 --data-dir /tmp/zk'];

  static override flags = {
    ensemble: Flags.string({default: '1', options: ['1', '3'], env: 'KCOLLECT_ZK_ENSEMBLE', description: 'number of nodes: 1 (standalone) or 3'}),
    port: Flags.integer({default: DEFAULT_ZK_PORT, min: 1024, max: 65535, env: 'KCOLLECT_ZK_PORT', description: 'client port of node 1; node i uses PORT+i-1'}),
    'data-dir': Flags.string({default: DEFAULT_ZK_DATA_DIR, env: 'KCOLLECT_ZK_DATA_DIR', description: 'where the nodes keep config, data, logs and pids'}),
    timeout: Flags.string({default: '30s', env: 'KCOLLECT_ZK_START_TIMEOUT', description: 'fail (showing the log) when not serving within this long'}),
    'heap-mb': Flags.integer({default: 256, min: 32, env: 'KCOLLECT_ZK_HEAP_MB', description: 'JVM heap per node, in MiB'}),
  };

  async run(): Promise<ZkServerStartResult> {
    const {flags} = await this.parse(ZkServerStart);
    const handle = await startZookeeper({
      ensemble: Number(flags.ensemble) as 1 | 3,
      port: flags.port,
      dataDir: flags['data-dir'],
      timeoutMs: parseDuration(flags.timeout, '--timeout'),
      heapMb: flags['heap-mb'],
    });
    const result: ZkServerStartResult = {connectString: handle.connectString, dataDir: handle.dataDir, ensemble: handle.ensemble, leaderId: handle.leaderId, nodes: handle.nodes};
    if (!this.jsonEnabled()) {
      this.log(handle.ensemble === 1 ? `ZooKeeper ready on ${handle.connectString} (standalone)` : `ZooKeeper ensemble of ${handle.ensemble} ready on ${handle.connectString} (leader: node ${handle.leaderId})`);
      this.log('');
      for (const line of formatTable(
        ['id', 'client', 'quorum', 'election', 'pid', 'log'],
        handle.nodes.map((n) => [n.id, `${n.host}:${n.clientPort}`, n.peerPort, n.electionPort, n.pid, relativeIfInside(n.logPath)]),
      ))
        this.log(line);
      this.log('');
      const dirFlag = flags['data-dir'] === DEFAULT_ZK_DATA_DIR ? '' : ` --data-dir ${flags['data-dir']}`;
      this.log(`use it with --zookeeper ${handle.connectString} (or KCOLLECT_ZOOKEEPER); stop it with \`kcollect zk server stop${dirFlag}\``);
    }
    return result;
  }
}

function relativeIfInside(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
