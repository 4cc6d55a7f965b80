import path from 'node:path';
import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {httpServerFlags, httpServerSecurity} from '../../src/cli/http-flags.js';
import {UserError} from '../../src/lib/errors.js';
import {serveUntilSignal} from '../../src/services/hbase-service.js';

export default class HBaseServe extends KcollectCommand {
  static override summary = "Run kcollect's HBase REST gateway emulator (for development and tests)";
  static override description = `This is NOT HBase. It emulates HBase's REST gateway ("Stargate", \`hbase rest start\`) so the pipeline can be developed and tested without a Hadoop cluster; it is the embedded default behind \`consume --to hbase\`. Point the same commands at a real gateway with --hbase-url when you have one.

It speaks the gateway's JSON protocol with its status codes: table schemas (create, describe, drop), single and multi-row puts, check-and-put, row and cell gets with versions (same row, column and timestamp overwrite a version; 3 versions per family unless VERSIONS says otherwise), scanners, /version, /version/cluster and /status/cluster. Every change is written to a log in --data-dir before it is acknowledged, so data survives restarts and crashes. Not emulated: XML and protobuf bodies, stateless scans, deletes of rows, filters.

Fault drills: --fail-rate answers that share of table requests with 503; POST /_emulator/down (?mode=503, the default, or ?mode=reset to drop connections) makes every request fail until POST /_emulator/up; GET /_emulator/status shows the switches.`;
  static override examples = [
    '<%= config.bin %> hbase serve',
    '<%= config.bin %> hbase serve --port 0 --data-dir /tmp/hbase --fail-rate 0.1',
    'KCOLLECT_SERVE_BASIC_AUTH=admin:secret <%= config.bin %> hbase serve --tls-cert server.pem --tls-key server.key',
    'curl -X POST http://127.0.0.1:8080/_emulator/down   # drill: the sink sees HBase down',
  ];
  static override enableJsonFlag = false;

  static override flags = {
    port: Flags.integer({default: 8080, min: 0, max: 65535, env: 'KCOLLECT_HBASE_PORT', description: 'port to listen on (0 picks a free port; the ready line shows it)'}),
    host: Flags.string({default: '127.0.0.1', env: 'KCOLLECT_HBASE_HOST', description: 'address to listen on'}),
    'data-dir': Flags.string({default: '.kcollect/hbase', env: 'KCOLLECT_HBASE_DATA_DIR', description: 'where the tables are kept'}),
    'fail-rate': Flags.string({default: '0', env: 'KCOLLECT_HBASE_FAIL_RATE', description: 'share of table requests answered 503, from 0 to 1 (fault drills)'}),
    ...httpServerFlags,
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(HBaseServe);
    const failRate = Number(flags['fail-rate']);
    if (!(failRate >= 0 && failRate <= 1)) throw new UserError(`--fail-rate must be a number from 0 to 1, not "${flags['fail-rate']}"`, 'e.g. --fail-rate 0.1 fails one table request in ten');
    await serveUntilSignal({host: flags.host, port: flags.port, dataDir: path.resolve(flags['data-dir']), failRate, security: httpServerSecurity(flags)}, (line) => this.log(line));
  }
}
