import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {clusterCerts, DEFAULT_CERTS_DIR} from '../../src/services/cluster-security.js';
import type {ClusterCertsResult} from '../../src/security/dev-certs.js';
import {resolveConfigFile} from '../../src/topology/bundled.js';
import {generatedTopology, loadTopology} from '../../src/topology/cluster-topology.js';

export default class ClusterCerts extends KcollectCommand {
  static override summary = 'Make a development CA and a certificate per broker with openssl';
  static override description = `For a topology with security: (TLS): a CA (ca.pem; kept when the directory has one, so clients that trust it keep working), a PEM keystore per broker (broker-<id>-keystore.pem, the certificate naming the broker's host, 127.0.0.1 and localhost, then its key) and a client certificate (client.pem, client.key) for ssl.client.auth=required. The directory defaults to the topology's security.tls.dir, else ${DEFAULT_CERTS_DIR}. For development only: the keys are not encrypted.`;
  static override examples = ['<%= config.bin %> cluster certs multi-broker-single-node-secure', '<%= config.bin %> cluster certs my-topology.yaml --dir certs --days 30'];
  static override args = {file: Args.string({required: false, description: 'topology YAML file, or the name of a shipped one (default: one broker, id 1, on 127.0.0.1)'})};
  static override flags = {
    dir: Flags.string({env: 'KCOLLECT_CERTS_DIR', description: `where to write them (default: the topology's security.tls.dir, else ${DEFAULT_CERTS_DIR})`}),
    days: Flags.integer({min: 1, default: 365, env: 'KCOLLECT_CERTS_DAYS', description: 'how long the certificates are valid'}),
  };

  async run(): Promise<ClusterCertsResult> {
    const {args, flags} = await this.parse(ClusterCerts);
    const topology = args.file ? loadTopology(resolveConfigFile(args.file, 'topology')) : generatedTopology(1, false);
    const result = await clusterCerts(topology, flags.dir, flags.days);
    if (!this.jsonEnabled()) {
      this.log(`${result.keptCa ? 'kept the CA' : 'made a CA'} ${result.ca}`);
      for (const b of result.brokers) this.log(`broker ${b.id}: ${b.keystore} (${b.san})`);
      this.log(`client certificate: ${result.clientCert}, key ${result.clientKey}`);
      this.log(`clients trust the brokers with -X ssl.ca.location=${result.ca}`);
    }
    return result;
  }
}
