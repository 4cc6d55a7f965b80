import path from 'node:path';
import {Flags} from '@oclif/core';
import {KcollectCommand} from '../src/cli/base-command.js';
import {parseDuration} from '../src/lib/size.js';
import {type DemoReport, runDemo} from '../src/services/demo.js';
import {table} from '../src/services/text-table.js';

export default class Demo extends KcollectCommand {
  static override summary = 'Run the smart-car pilot end to end on the embedded broker and reconcile the counts';
  static override description =
    'Starts an embedded broker, lets the simulated drivers write their real-time driving log, collects every record into Kafka (keyed by car number, idempotent, acks=all), drains the topic with a consumer group, and reconciles: lines written, records in Kafka, records read, lost and duplicated. Exits 1 unless nothing was lost or doubled.';
  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --cars 100 --duration 1m'];

  static override flags = {
    cars: Flags.integer({default: 20, min: 1, max: 1000, env: 'KCOLLECT_DEMO_CARS', description: 'simulated drivers'}),
    duration: Flags.string({default: '15s', env: 'KCOLLECT_DEMO_DURATION', description: 'how long the drivers write (e.g. 30s, 2m)'}),
    dir: Flags.string({default: '.kcollect/demo', env: 'KCOLLECT_DEMO_DIR', description: 'working directory (wiped at the start)'}),
  };

  async run(): Promise<DemoReport> {
    const {flags} = await this.parse(Demo);
    const quiet = this.jsonEnabled();
    const report = await runDemo({
      cars: flags.cars,
      durationMs: parseDuration(flags.duration, '--duration'),
      dir: path.resolve(flags.dir),
      progress: (line) => quiet || this.log(line),
    });
    if (!quiet) {
      this.log('');
      this.log(
        table(
          ['STAGE', 'RECORDS'],
          [
            ['written by the drivers', report.written],
            ['headers filtered (^\\d{14})', report.filtered],
            ['acknowledged by Kafka', report.acknowledged],
            [`in Kafka (${report.topic})`, report.inKafka],
            ['read by the consumer group', report.consumed],
            ['lost', report.lost],
            ['duplicated', report.duplicated],
          ],
        ),
      );
      this.log(report.reconciled ? 'reconciled: nothing lost, nothing doubled' : 'NOT reconciled');
    }
    if (!report.reconciled) process.exitCode = 1;
    return report;
  }
}
