import {Flags} from '@oclif/core';
import {KcollectCommand} from '../src/cli/base-command.js';
import {hbaseUrlFlag} from '../src/cli/flags.js';
import {kafkaFlags, resolveKafka} from '../src/cli/client-flags.js';
import {regexFlag} from '../src/cli/collect-flags.js';
import {listValues} from '../src/services/list-values.js';
import {fileSinkLines, hbaseLines, readLogLines, reconcilePipeline, reconciliationTable, topicValues, type PipelineReconciliation} from '../src/services/reconcile.js';
import {deadLetterTopicFor} from '../src/sinks/dead-letter.js';
import {BOOK_COLUMNS} from '../src/sinks/hbase-rows.js';
import {UserError} from '../src/lib/errors.js';

export default class Verify extends KcollectCommand {
  static override summary = 'Reconcile a pipeline: look for every line of the source files in Kafka and in the sink';
  static override description =
    'Reads the record lines of the source log files, then counts each one in the topic, in the dead-letter topic and, when given, in an HBase table (columns joined back into a line) or in the files a file sink wrote. Prints what each stage lost and doubled; exits 1 unless nothing was lost or doubled.';
  static override examples = [
    '<%= config.bin %> verify --lines driver-realtime-log/SmartCarDriverInfo.log --topic SmartCar-Topic --hbase-table DriverCarInfo',
    '<%= config.bin %> verify --lines status-copy.txt --topic SmartCar-Status-Topic --out-dir collect',
  ];

  static override flags = {
    ...kafkaFlags,
    lines: Flags.string({required: true, multiple: true, env: 'KCOLLECT_VERIFY_LINES', description: 'source log file(s) whose record lines must all arrive (repeatable)'}),
    include: Flags.string({default: '^\\d{14}', env: 'KCOLLECT_VERIFY_INCLUDE', description: 'which lines of the files are records (the collector\'s filter)'}),
    topic: Flags.string({char: 't', required: true, env: 'KCOLLECT_TOPIC', description: 'the topic the lines were collected into'}),
    'dlq-topic': Flags.string({env: 'KCOLLECT_DLQ_TOPIC', description: 'dead-letter topic (default TOPIC.dlq)'}),
    'hbase-table': Flags.string({exclusive: ['out-dir'], env: 'KCOLLECT_VERIFY_HBASE_TABLE', description: 'also look for every line in this HBase table'}),
    'hbase-url': hbaseUrlFlag,
    'column-family': Flags.string({default: 'cf1', env: 'KCOLLECT_COLUMN_FAMILY', description: 'the table\'s column family'}),
    columns: Flags.string({env: 'KCOLLECT_COLUMNS', description: `the columns, in line order, comma-separated (default: the book's ${BOOK_COLUMNS.join(',')})`}),
    'out-dir': Flags.string({exclusive: ['hbase-table'], env: 'KCOLLECT_VERIFY_OUT_DIR', description: 'also look for every line in the files a file sink wrote under this directory'}),
  };

  async run(): Promise<PipelineReconciliation> {
    const {flags} = await this.parse(Verify);
    const brokers = resolveKafka(flags);
    let written: string[];
    try {
      written = readLogLines(listValues(flags.lines), regexFlag('--include', flags.include));
    } catch (err) {
      throw new UserError(`cannot read the source files: ${(err as Error).message}`, 'give the log files the collector read, with --lines FILE');
    }
    const columns = flags.columns?.split(',').map((c) => c.trim()) ?? BOOK_COLUMNS;
    const sink = flags['hbase-table']
      ? {sinkStage: `HBase ${flags['hbase-table']}`, sink: await hbaseLines(flags['hbase-url'], flags['hbase-table'], flags['column-family'], columns)}
      : flags['out-dir']
        ? {sinkStage: `files in ${flags['out-dir']}`, sink: fileSinkLines(flags['out-dir'])}
        : {};
    const result = reconcilePipeline(`${listValues(flags.lines).join(' ')} -> ${flags.topic}`, written, {
      kafka: await topicValues(brokers, flags.topic),
      deadLettered: (await topicValues(brokers, flags['dlq-topic'] ?? deadLetterTopicFor(flags.topic))).length,
      ...sink,
    });
    this.log(reconciliationTable([result]));
    const ok = result.lost === 0 && result.duplicated === 0;
    this.log(ok ? 'reconciled: nothing lost, nothing doubled' : 'NOT reconciled');
    if (!ok) process.exitCode = 1;
    return result;
  }
}
