import {Flags} from '#oclif';
import {KcollectCommand} from '../src/cli/base-command.js';
import {hbaseUrlFlag} from '../src/cli/flags.js';
import {kafkaFlags, resolveKafka} from '../src/cli/client-flags.js';
import {regexFlag} from '../src/cli/collect-flags.js';
import {resolveTopic, topicArg, topicFlag} from '../src/cli/name-flags.js';
import {listValues} from '../src/services/list-values.js';
import {fileSinkLines, hbaseLines, readLogFiles, reconcilePipeline, reconciliationTable, topicValues, type PipelineReconciliation} from '../src/services/reconcile.js';
import {deadLetterTopicFor} from '../src/sinks/dead-letter.js';
import {BOOK_COLUMNS} from '../src/sinks/hbase-rows.js';
import {UserError} from '../src/lib/errors.js';

export default class Verify extends KcollectCommand {
  static override summary = 'Reconcile a pipeline: look for every line of the source files in Kafka and in the sink';
  static override description =
    'Reads the topic, the dead-letter topic and, when given, an HBase table (columns joined back into a line) or the files a file sink wrote, then the record lines of the source log files, and counts each line in every stage. Reading the files last means a line the pipeline holds was always written: while the pipeline runs, lines written after the last one a stage holds are "not yet" there, not lost. Exits 0 when nothing was lost or doubled and everything arrived, 2 when nothing was lost or doubled but lines are still on their way, 1 otherwise.';
  static override examples = [
    '<%= config.bin %> verify --lines driver-realtime-log/SmartCarDriverInfo.log --topic SmartCar-Topic --table DriverCarInfo',
    '<%= config.bin %> verify --lines status-copy.txt --topic SmartCar-Status-Topic --out-dir collect',
  ];

  static override args = {topic: topicArg};

  static override flags = {
    ...kafkaFlags,
    lines: Flags.string({required: true, multiple: true, env: 'KCOLLECT_VERIFY_LINES', description: 'source log file(s) whose record lines must all arrive (repeatable)'}),
    include: Flags.string({default: '^\\d{14}', env: 'KCOLLECT_VERIFY_INCLUDE', description: 'which lines of the files are records (the collector\'s filter)'}),
    topic: topicFlag,
    'dlq-topic': Flags.string({env: 'KCOLLECT_DLQ_TOPIC', description: 'dead-letter topic (default TOPIC.dlq)'}),
    table: Flags.string({aliases: ['hbase-table'], exclusive: ['out-dir'], env: 'KCOLLECT_VERIFY_HBASE_TABLE', description: 'also look for every line in this HBase table (as consume --to hbase --table)'}),
    'hbase-url': hbaseUrlFlag,
    'column-family': Flags.string({default: 'cf1', env: 'KCOLLECT_HBASE_FAMILY', description: 'the table\'s column family'}),
    columns: Flags.string({env: 'KCOLLECT_COLUMNS', description: `the columns, in line order, comma-separated (default: the book's ${BOOK_COLUMNS.join(',')})`}),
    'out-dir': Flags.string({exclusive: ['table'], env: 'KCOLLECT_VERIFY_OUT_DIR', description: 'also look for every line in the files a file sink wrote under this directory'}),
  };

  async run(): Promise<PipelineReconciliation> {
    const parsed = await this.parse(Verify);
    const {args, flags} = parsed;
    const topic = resolveTopic(parsed);
    const brokers = resolveKafka(flags);
    const include = regexFlag('--include', flags.include);
    const files = listValues(flags.lines);
    const includeText = `--include '${flags.include}'`;
    let read = 0;
    const readWritten = () => {
      let found;
      try {
        found = readLogFiles(files, include);
      } catch (err) {
        throw new UserError(`cannot read the source files: ${(err as Error).message}`, 'give the log files the collector read, with --lines FILE');
      }
      // With no record line to look for, every record in Kafka would count as doubled.
      if (found.records.length === 0) {
        throw new UserError(
          `read ${found.read.toLocaleString('en-US')} line(s) from ${files.join(', ')}, and none matched ${includeText}: nothing to look for`,
          'give --include the regular expression of the lines the collector sent (--include . for every line), or --lines the files it read',
        );
      }
      read = found.read;
      return found.records;
    };
    readWritten(); // a bad path, or a filter that keeps nothing, fails before the slow reads
    const step = (what: string) => this.jsonEnabled() || this.logToStderr(`kcollect: reading ${what}`);
    step(`topic ${topic}`);
    const kafka = await topicValues(brokers, topic);
    step(flags.table ? `HBase table ${flags.table}` : flags['out-dir'] ? `the files in ${flags['out-dir']}` : 'the dead-letter topic');
    const columns = flags.columns?.split(',').map((c) => c.trim()) ?? BOOK_COLUMNS;
    const sink = flags.table
      ? {sinkStage: `HBase ${flags.table}`, sink: await hbaseLines(flags['hbase-url'], flags.table, flags['column-family'], columns)}
      : flags['out-dir']
        ? {sinkStage: `files in ${flags['out-dir']}`, sink: fileSinkLines(flags['out-dir'])}
        : {};
    const result = reconcilePipeline(`${files.join(' ')} -> ${topic}`, readWritten(), {
      kafka,
      deadLettered: (await topicValues(brokers, flags['dlq-topic'] ?? deadLetterTopicFor(topic))).length,
      ...sink,
    });
    this.log(reconciliationTable([result]));
    // Records that are no line kept from the files are counted as DUPLICATED; when --include left
    // lines out, a filter that keeps too few is the likelier cause than corruption: say so.
    for (const s of result.stages) {
      if (s.unexpected > 0 && result.written < read) this.log(`${s.unexpected.toLocaleString('en-US')} record(s) in ${s.stage} match none of the ${result.written.toLocaleString('en-US')} line(s) ${includeText} kept of the ${read.toLocaleString('en-US')} read (counted as DUPLICATED): if the collector sent them, change --include (--include . for every line) or --lines`);
    }
    const ok = result.lost === 0 && result.duplicated === 0;
    if (!ok) this.log('NOT reconciled');
    else if (result.notYet > 0) this.log(`nothing lost or doubled so far; ${result.notYet.toLocaleString('en-US')} line(s) still on their way (run verify again once the pipeline is quiet)`);
    else this.log('reconciled: nothing lost, nothing doubled');
    process.exitCode = !ok ? 1 : result.notYet > 0 ? 2 : 0;
    return result;
  }
}
