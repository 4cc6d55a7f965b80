import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {UserError} from '../../src/lib/errors.js';
import {untilInterrupted} from '../../src/cli/interrupt.js';
import {clusterDown, clusterUp, watchCluster, type ClusterUpResult} from '../../src/services/cluster-service.js';
import {table} from '../../src/services/text-table.js';
import {resolveConfigFile} from '../../src/topology/bundled.js';
import {generatedTopology, loadTopology} from '../../src/topology/cluster-topology.js';

export default class ClusterUp extends KcollectCommand {
  static override summary = 'Start a topology: ZooKeeper, then the brokers, each waited for';
  static override description = 'Starts every part of the topology in order as its own process and waits until each answers, then prints the nodes and a line to paste, and writes .kcollect/profile.json so later commands find the cluster without flags. A topology with security: starts TLS/SASL listeners (certificates from `kcollect cluster certs`), creates its SCRAM users, and puts the client settings of its first user into the profile. Without --detach it stays in the foreground and stops everything on Ctrl-C.';
  static override examples = [
    '<%= config.bin %> cluster up multi-broker-single-node --detach',
    '<%= config.bin %> cluster up my-topology.yaml',
    '<%= config.bin %> cluster up --broker-count 3',
    '<%= config.bin %> cluster up --broker-count 1 --zookeeper',
    '<%= config.bin %> cluster up --broker-count 3 --port 19092 --zookeeper-port 12181',
  ];
  static override args = {file: Args.string({required: false, description: 'topology YAML file, or the name of a shipped one (`kcollect topology list`)'})};
  static override flags = {
    // Not --brokers: everywhere else that is -b HOST:PORT,...
    'broker-count': Flags.integer({min: 1, max: 9, env: 'KCOLLECT_CLUSTER_BROKERS', description: 'instead of a file: this many brokers on 127.0.0.1 from --port (9092) on'}),
    zookeeper: Flags.boolean({default: false, description: 'with --broker-count 1: also start ZooKeeper (always started for more brokers)'}),
    port: Flags.integer({min: 1, max: 65_535, env: 'KCOLLECT_CLUSTER_PORT', description: 'with --broker-count: the first broker\'s port, the others on the next ones [default: 9092]'}),
    'zookeeper-port': Flags.integer({min: 1, max: 65_535, env: 'KCOLLECT_CLUSTER_ZOOKEEPER_PORT', description: 'with --broker-count: ZooKeeper\'s client port [default: 2181]'}),
    detach: Flags.boolean({default: false, env: 'KCOLLECT_CLUSTER_DETACH', description: 'return once everything is up, leaving it running'}),
  };

  async run(): Promise<ClusterUpResult> {
    const {args, flags} = await this.parse(ClusterUp);
    if (args.file && flags['broker-count']) throw new UserError('give a topology file or --broker-count, not both', 'e.g. `kcollect cluster up multi-broker-single-node` or `kcollect cluster up --broker-count 3`');
    if (args.file && (flags.port !== undefined || flags['zookeeper-port'] !== undefined)) throw new UserError('--port and --zookeeper-port go with --broker-count: a topology file names its own ports', 'change the ports in the file, or drop the file and give --broker-count');
    const topology = args.file ? loadTopology(resolveConfigFile(args.file, 'topology')) : generatedTopology(flags['broker-count'] ?? 1, flags.zookeeper, flags.port, flags['zookeeper-port']);
    const result = await clusterUp(topology);
    if (!this.jsonEnabled()) {
      this.log(`cluster ${result.name} (${result.type}) is up\n`);
      this.log(table(['node', 'id', 'address', 'pid', 'data dir'], result.nodes.map((n) => [n.kind, n.id, n.address, n.pid, n.dataDir])));
      this.log(`\n${result.exportLine}`);
      if (result.client) {
        const settings = Object.entries(result.client.properties).filter(([key]) => key !== 'sasl.password');
        this.log(`clients connect with ${settings.map(([k, v]) => `-X ${k}=${v}`).join(' ')}${result.client.passwordFile ? ` and the password in ${result.client.passwordFile}` : ''}`);
        for (const f of result.client.createdPasswordFiles) this.log(`made ${f} with a random password (mode 0600)`);
      }
      this.log(`(later commands use ${result.profile} when no flag is given)`);
    }
    if (flags.detach) return result;
    if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    this.logToStderr('running in the foreground; Ctrl-C stops the cluster');
    await untilInterrupted((signal) => watchCluster(signal, (line) => this.logToStderr(line)));
    this.logToStderr('stopping the cluster');
    const down = await clusterDown(false);
    this.logToStderr(down.brokers.map((b) => `broker ${b.id}: ${b.result}`).join(', ') + (down.zookeeperStopped ? ', ZooKeeper stopped' : ''));
    return result;
  }
}
