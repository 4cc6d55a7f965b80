import {Flags} from '#oclif';
import {KcollectCommand} from '../src/cli/base-command.js';
import {kafkaFlags, resolveClient} from '../src/cli/client-flags.js';
import {resolveTopic, topicArg, topicFlag} from '../src/cli/name-flags.js';
import type {ClientSettings} from '../src/client/client-settings.js';
import {UserError} from '../src/lib/errors.js';
import {thousands} from '../src/lib/progress.js';
import {backoffFromFlags, sinkFlags, sinkSettingsFromFlags} from '../src/cli/sink-flags.js';
import {valueFormatFlags, valueFormatFromFlags} from '../src/cli/registry-flags.js';
import {decodedRecordSource} from '../src/services/value-format.js';
import {FROM_HELP, consumeTo, groupLessSource, groupSource, parseFrom, type RecordSource} from '../src/services/consume-service.js';
import {eventAsRecord, runGroupDrain, statusIntervalMs, statusPrinter, type GroupDrainResult} from '../src/services/drain-service.js';
import {SINK_KINDS, type SinkKind} from '../src/sinks/open-sink.js';
import {DEFAULT_FORMAT, FORMAT_HELP, compileFormat} from '../src/services/record-format.js';
import {partitionList} from '../src/services/list-values.js';

export default class Consume extends KcollectCommand {
  static override summary = 'Read a topic: print its records, or drain it into HBase, rolling files or stdout as a consumer group';
  static override description = `Without --group, reads without a consumer group (nothing is committed). With --group G, joins the group G and commits each batch once it was printed; --from then only says where a group with no committed offsets starts. Records are printed as they arrive; the command runs until Ctrl-C, --count records, or with --exit the end of every partition.

--from: ${FROM_HELP}
--format tokens: ${FORMAT_HELP}
--json prints one JSON object per record and line.

--to stdout|file|hbase (with --group) drains the topic into a sink: offsets are committed only after the sink confirmed the write. When the sink fails (refused, timeout, 5xx) the partitions are paused, the group kept, the sink probed with capped exponential backoff, and the drain resumes from the last committed offset; a record the sink refuses for its content (a 4xx, a wrong field count, an empty field the HBase row key names) goes to the dead-letter topic (--dlq-topic, default TOPIC.dlq) with headers dlq.reason, dlq.topic, dlq.partition, dlq.offset. Status changes go to stderr; with --json every status is a JSON line ({"type":"status","state":"ok|parked|retrying","backlog":N,...}) and the last line is {"type":"summary",...}. Ctrl-C finishes and commits the write in flight.
--to hbase writes multi-row CellSet puts through the HBase REST gateway; the defaults are the book's DriverCarInfo table (row key = reversed 14-digit time + '-' + car number, family cf1, the eight driving-log columns); each cell's version is the Kafka record's timestamp, so a record written twice stays one cell version.
--to kafka --topic OUT copies the topic (the first argument) into the topic OUT, keys and headers kept; with --exactly-once each batch's records and the group's offsets are written in one Kafka transaction (transactional.id kcollect-drain-GROUP, or --transactional-id), so OUT holds every record exactly once for read_committed consumers, whatever is killed when; one drain per transactional id: a second one fences the first.
--to file rolls files like Flume's HDFS sink under --out-dir (path escapes), named PREFIX+TOPIC-PARTITION-FIRSTOFFSET+SUFFIX and kept under an in-use name until closed; a partition's offset is committed at file boundaries (up to its in-use file's first offset, the rest once the file closes; Ctrl-C, --count and --exit close the files), so a drain killed at any moment writes no record twice (unless escapes interleave one partition's records over several directories or prefixes: see the README, Files).
--value-format avro reads values written by \`tail-produce --format avro\` (Confluent wire format): each is decoded through the schema registry at --registry-url to the comma-separated line, so printed records, HBase rows and files are the same as for text. With --to, a value that does not decode goes to the dead-letter topic, and a registry that does not answer is handled like a sink that does not answer (paused, probed, nothing committed).`;
  static override examples = [
    '<%= config.bin %> consume driving-logs --from beginning --exit',
    "<%= config.bin %> consume driving-logs --from -10 --format '%p@%o %k=%s\\n'",
    '<%= config.bin %> consume driving-logs --from @2024-05-01T08:00:00Z --count 100 --json',
    '<%= config.bin %> consume driving-logs --group hbase-loader --exit',
    '<%= config.bin %> consume SmartCar-Topic --group hbase-loader --to hbase --hbase-url http://127.0.0.1:8080 --create-table',
    '<%= config.bin %> consume SmartCar-Topic --group hbase-loader --to hbase --create-table --value-format avro --registry-url http://127.0.0.1:8081',
    "<%= config.bin %> consume SmartCar-Topic --group archiver --to file --out-dir 'collect/%{topic}/wrk_date=%Y%m%d' --roll-count 10000",
    '<%= config.bin %> consume SmartCar-Topic --group copier --to kafka --topic SmartCar-Copy --exactly-once',
  ];

  static override args = {topic: topicArg};

  static override flags = {
    ...kafkaFlags,
    from: Flags.string({char: 'o', env: 'KCOLLECT_FROM', description: `where to start in each partition: ${FROM_HELP} (default: auto.offset.reset of the client properties, else beginning)`}),
    'from-beginning': Flags.boolean({exclusive: ['from'], description: '-o beginning, as kafka-console-consumer.sh says it'}),
    partition: Flags.string({char: 'p', multiple: true, env: 'KCOLLECT_CONSUME_PARTITION', description: 'read only these partitions: -p 0 -p 2 or -p 0,2 (default: all)'}),
    count: Flags.integer({char: 'c', aliases: ['max-messages'], min: 1, env: 'KCOLLECT_COUNT', description: 'stop after N records (also --max-messages, as kafka-console-consumer.sh)'}),
    exit: Flags.boolean({char: 'e', default: false, env: 'KCOLLECT_EXIT', description: 'stop at the end of every partition instead of waiting for more'}),
    topic: topicFlag,
    format: Flags.string({char: 'f', default: DEFAULT_FORMAT, env: 'KCOLLECT_FORMAT', description: `kcat-style output format: ${FORMAT_HELP}`}),
    key: Flags.string({env: 'KCOLLECT_CONSUME_KEY', description: 'print only records with this key (e.g. a car number); --count counts the records read'}),
    group: Flags.string({char: 'g', env: 'KCOLLECT_GROUP', description: 'join this consumer group and commit what was printed (default: group.id of the client properties)'}),
    to: Flags.string({env: 'KCOLLECT_TO', options: [...SINK_KINDS], description: 'drain into this sink (needs --group); without it records are printed as above'}),
    ...sinkFlags,
    'exactly-once': Flags.boolean({env: 'KCOLLECT_EXACTLY_ONCE', default: false, helpGroup: 'KAFKA', description: 'with --to kafka: write each batch and commit its offsets in one transaction'}),
    'transactional-id': Flags.string({env: 'KCOLLECT_TRANSACTIONAL_ID', helpGroup: 'KAFKA', description: 'transactional.id of --exactly-once (default kcollect-drain-GROUP)'}),
    ...valueFormatFlags,
  };

  async run(): Promise<void> {
    const parsed = await this.parse(Consume);
    const {args, flags} = parsed;
    // Where -g and -o are not given, the client properties' group.id and auto.offset.reset apply.
    const {brokers, settings} = resolveClient(flags);
    flags.group ??= settings.groupId;
    flags.from ??= flags['from-beginning'] ? 'beginning' : (settings.offsetReset ?? 'beginning');
    // --to kafka: the first argument is the topic read, --topic the one written.
    const copy = flags.to === 'kafka';
    if (copy && (args.topic === undefined || flags.topic === undefined)) throw new UserError('--to kafka needs the topic to read as the first argument and the one to write as --topic', 'e.g. kcollect consume IN --group G --to kafka --topic OUT --exactly-once');
    if (copy && args.topic === flags.topic) throw new UserError(`--to kafka would write ${args.topic} into itself`, 'give another topic to --topic');
    if ((flags['exactly-once'] || flags['transactional-id']) && !copy) throw new UserError('--exactly-once is for --to kafka: only a Kafka sink writes in the same transaction as the offsets', 'add --to kafka --topic OUT, or drop --exactly-once');
    const topic = copy ? args.topic! : resolveTopic(parsed);
    const from = parseFrom(flags.from);
    const interrupt = new AbortController();
    const onSignal = () => interrupt.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      if (flags.to) {
        if (flags.key !== undefined) throw new UserError('--key cannot be used with --to: a drain commits every record it reads', 're-deliver one key with `kcollect replay --key K --to ...`');
        await this.drain(topic, flags.to as SinkKind, flags, brokers, settings, interrupt.signal);
        return;
      }
      if (flags.group && flags.partition) throw new UserError('--partition cannot be used with --group: the group assigns partitions', 'drop --partition, or drop --group to read chosen partitions');
      const records = flags.group
        ? groupSource({brokers, topic, groupId: flags.group, from, count: flags.count, exitAtEnd: flags.exit, member: settings.group, onWarning: (m) => process.stderr.write(`kcollect: warning: ${m}\n`)})
        : groupLessSource({
            brokers,
            topic,
            partitions: partitionList(flags.partition),
            from,
            count: flags.count,
            exitAtEnd: flags.exit,
            onWarning: (m) => process.stderr.write(`kcollect: warning: ${m}\n`),
          });
      const decoded = decodedRecordSource(records, valueFormatFromFlags(flags), (m) => process.stderr.write(`kcollect: warning: ${m}\n`));
      const source = flags.key === undefined ? decoded : withKey(decoded, Buffer.from(flags.key));
      await consumeTo(source, {format: flags.format, json: this.jsonEnabled(), out: process.stdout, signal: interrupt.signal});
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    // Records went to stdout as they arrived; --json already printed them one per line.
  }

  private async drain(topic: string, to: SinkKind, flags: Awaited<ReturnType<typeof this.parse<any, any, any>>>['flags'], brokers: string[], settings: ClientSettings, signal: AbortSignal): Promise<GroupDrainResult> {
    if (!flags.group) throw new UserError('--to needs --group G: the drain commits what the sink confirmed as the group G', 'add --group NAME, or re-deliver a range without a group with `kcollect replay`');
    if (flags.partition) throw new UserError('--partition cannot be used with --to: the group assigns partitions', 'drop --partition');
    const from = parseFrom(flags.from);
    if (from.kind !== 'beginning' && from.kind !== 'end') throw new UserError('with --group, --from takes beginning or end: where a group without committed offsets starts', 'move a group with `kcollect group reset-offsets`');
    const json = this.jsonEnabled();
    // With --to stdout the records own stdout, so status lines go to stderr.
    const statusOut = to === 'stdout' ? process.stderr : process.stdout;
    const render = compileFormat(flags.format);
    const printer = statusPrinter({json, out: statusOut, err: process.stderr, live: to !== 'stdout'});
    const result = await runGroupDrain({
      brokers,
      topic,
      groupId: flags.group,
      sink:
        to === 'kafka'
          ? {kind: 'kafka', brokers, topic: flags.topic, transactionalId: flags['exactly-once'] || flags['transactional-id'] ? (flags['transactional-id'] ?? `kcollect-drain-${flags.group}`) : undefined, compression: settings.compression}
          : sinkSettingsFromFlags(to, flags, {kind: 'stdout', out: process.stdout, render: (e) => render(eventAsRecord(e))}),
      valueFormat: valueFormatFromFlags(flags),
      deadLetterTopic: flags['dlq-topic'],
      startAtBeginning: from.kind === 'beginning',
      member: settings.group,
      batchSize: flags['batch-size'],
      count: flags.count,
      exitAtEnd: flags.exit,
      backoff: backoffFromFlags(flags),
      signal,
      onStatus: printer,
      statusIntervalMs: json ? undefined : statusIntervalMs(process.stderr),
    });
    printer.end();
    if (json) statusOut.write(JSON.stringify(result) + '\n');
    else if (to !== 'stdout') process.stderr.write(`kcollect: ${thousands(result.records)} record(s) written to ${result.sink}, ${thousands(result.deadLettered)} sent to ${result.deadLetterTopic}\n`);
    return result;
  }
}

/** Only the records whose key is `key`. */
function withKey(source: RecordSource, key: Buffer): RecordSource {
  return (deliver, signal) => source((records) => deliver(records.filter((r) => r.key !== null && r.key.equals(key))), signal);
}
