import path from 'node:path';
import {Flags} from '#oclif';
import {KcollectCommand} from '../src/cli/base-command.js';
import {untilInterrupted} from '../src/cli/interrupt.js';
import {parseDuration} from '../src/lib/size.js';
import {type DemoReport, runDemo} from '../src/services/demo.js';
import {DEMO_TOPOLOGIES, type DemoTopology} from '../src/services/demo-cluster.js';
import {reconciliationTable} from '../src/services/reconcile.js';

export default class Demo extends KcollectCommand {
  static override summary = 'Run the whole smart-car pilot on embedded parts and reconcile every line';
  static override description =
    "Starts an embedded broker and the HBase REST emulator, runs both of the book's simulators and its two agents (driving log via tail and the ^\\d{14} filter into SmartCar-Topic; the daily status file via a spool directory into SmartCar-Status-Topic), drains the driving topic into the HBase table DriverCarInfo and the status topic into files by day, then looks for every line written in Kafka, in HBase and in the files. Exits 1 unless nothing was lost or doubled. Ctrl-C stops the drivers early and reconciles what they had written (exit 130); a second Ctrl-C stops at once.";
  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --cars 100 --duration 1m', '<%= config.bin %> demo --secure --topology multi-broker-single-node'];

  static override flags = {
    topology: Flags.string({options: [...DEMO_TOPOLOGIES], default: 'single-broker', env: 'KCOLLECT_DEMO_TOPOLOGY', description: 'single-broker: one embedded broker; the multi-broker ones start ZooKeeper and 3 broker processes with replication factor 3 (needs the zookeeper package)'}),
    cars: Flags.integer({default: 100, min: 1, max: 1000, env: 'KCOLLECT_DEMO_CARS', description: 'simulated cars (the book: 100), each with a driver'}),
    duration: Flags.string({default: '30s', env: 'KCOLLECT_DEMO_DURATION', description: 'how long the drivers write (e.g. 30s, 2m)'}),
    dir: Flags.string({default: '.kcollect/demo', env: 'KCOLLECT_DEMO_DIR', description: 'working directory (wiped at the start)'}),
    secure: Flags.boolean({default: false, env: 'KCOLLECT_DEMO_SECURE', description: 'TLS + SCRAM-SHA-256 on the broker(s) and TLS + basic auth on the HBase REST emulator, with certificates made by openssl for the run; the agents and drains connect with the matching settings'}),
  };

  async run(): Promise<DemoReport> {
    const {flags} = await this.parse(Demo);
    const quiet = this.jsonEnabled();
    const report = await untilInterrupted((signal) => runDemo({
      topology: flags.topology as DemoTopology,
      cars: flags.cars,
      durationMs: parseDuration(flags.duration, '--duration'),
      dir: path.resolve(flags.dir),
      secure: flags.secure,
      progress: (line) => quiet || this.log(line),
      signal,
    }));
    if (!quiet) {
      this.log('');
      if (report.interrupted) this.log(`interrupted after ${Math.round(report.elapsedMs / 1000)} s: what was written until then`);
      this.log(reconciliationTable(report.pipelines));
      this.log(report.reconciled ? 'reconciled: nothing lost, nothing doubled' : 'NOT reconciled');
    }
    process.exitCode = report.interrupted ? 130 : report.reconciled ? 0 : 1;
    return report;
  }
}
