import {Flags} from '#oclif';
import {thousands} from '../src/lib/progress.js';
import {KcollectCommand} from '../src/cli/base-command.js';
import {kafkaFlags, resolveKafka} from '../src/cli/client-flags.js';
import {resolveTopic, topicArg, topicFlag} from '../src/cli/name-flags.js';
import {backoffFromFlags, sinkFlags, sinkSettingsFromFlags} from '../src/cli/sink-flags.js';
import {valueFormatFlags, valueFormatFromFlags} from '../src/cli/registry-flags.js';
import {statusIntervalMs, statusPrinter} from '../src/services/drain-service.js';
import type {SinkKind} from '../src/sinks/open-sink.js';
import {parseTime, replay} from '../src/services/replay-service.js';

export default class Replay extends KcollectCommand {
  static override summary = 'Re-deliver a time or offset range of a topic to a sink';
  static override description = `Reads TOPIC without a consumer group (no group's offsets move) from --from (a time) or --from-offset (in every partition) to the end, or to --until / --until-offset, optionally only the records whose key is --key (one car), and writes them to --to hbase|file|stdout with the same sink flags as \`consume --to\`. HBase cells and file names are derived from the records, so a replay overwrites what the first delivery wrote instead of adding copies. A sink that fails is probed with backoff until it answers; refused records go to the dead-letter topic. --value-format avro decodes Avro values (Confluent wire format, through --registry-url) to the comma-separated line first, as \`consume --to\` does. --json prints status lines and a final {"type":"summary",...} line.`;
  static override examples = [
    '<%= config.bin %> replay --topic SmartCar-Topic --from 2024-05-01T08:00:00Z --until 2024-05-01T09:00:00Z --to hbase',
    '<%= config.bin %> replay --topic SmartCar-Topic --from-offset 0 --key K0001 --to hbase --table DriverCarInfo',
    "<%= config.bin %> replay --topic SmartCar-Topic --from-offset 0 --to file --out-dir restore/%Y%m%d --roll-count 10000",
  ];

  static override args = {topic: topicArg};

  static override flags = {
    ...kafkaFlags,
    topic: topicFlag,
    from: Flags.string({env: 'KCOLLECT_REPLAY_FROM', exactlyOne: ['from', 'from-offset'], description: 'first Kafka record timestamp to replay, ISO time (2024-05-01T08:00:00Z) or ms since the epoch (a collector\'s records carry the time the line was read, not the time written in the line)'}),
    'from-offset': Flags.integer({min: 0, env: 'KCOLLECT_REPLAY_FROM_OFFSET', description: 'first offset, in every partition'}),
    until: Flags.string({env: 'KCOLLECT_REPLAY_UNTIL', description: 'stop before records whose Kafka timestamp is at or after this time (ISO or ms)'}),
    'until-offset': Flags.integer({min: 0, env: 'KCOLLECT_REPLAY_UNTIL_OFFSET', description: 'stop before this offset, in every partition'}),
    key: Flags.string({char: 'k', env: 'KCOLLECT_REPLAY_KEY', description: 'only records with this key (e.g. a car number)'}),
    to: Flags.string({required: true, env: 'KCOLLECT_TO', options: ['stdout', 'file', 'hbase'], description: 'the sink'}),
    ...sinkFlags,
    ...valueFormatFlags,
  };

  async run(): Promise<void> {
    const parsed = await this.parse(Replay);
    const {args, flags} = parsed;
    const interrupt = new AbortController();
    const onSignal = () => interrupt.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const to = flags.to as Exclude<SinkKind, 'kafka'>;
    const json = this.jsonEnabled();
    const statusOut = to === 'stdout' ? process.stderr : process.stdout;
    const printer = statusPrinter({json, out: statusOut, err: process.stderr, live: to !== 'stdout'});
    try {
      const result = await replay({
        brokers: resolveKafka(flags),
        topic: resolveTopic(parsed),
        fromMs: flags.from === undefined ? undefined : parseTime(flags.from, '--from'),
        fromOffset: flags['from-offset'],
        untilMs: flags.until === undefined ? undefined : parseTime(flags.until, '--until'),
        untilOffset: flags['until-offset'],
        key: flags.key,
        sink: sinkSettingsFromFlags(to, flags, {kind: 'stdout', out: process.stdout}),
        valueFormat: valueFormatFromFlags(flags),
        deadLetterTopic: flags['dlq-topic'],
        batchSize: flags['batch-size'],
        backoff: backoffFromFlags(flags),
        signal: interrupt.signal,
        onStatus: printer,
        statusIntervalMs: json ? undefined : statusIntervalMs(process.stderr),
      });
      printer.end();
      // Status lines and the summary are JSON lines of their own, not oclif's pretty result.
      if (json) statusOut.write(JSON.stringify(result) + '\n');
      else process.stderr.write(`kcollect: replayed ${thousands(result.read)} record(s) of ${result.topic}: ${thousands(result.written)} written to ${result.sink}, ${thousands(result.deadLettered)} sent to ${result.deadLetterTopic}\n`);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
