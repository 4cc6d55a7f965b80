import path from 'node:path';
import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../src/cli/base-command.js';
import {resolveClient} from '../src/cli/client-flags.js';
import {collectFlags, collectOptionsFromFlags, defaultCollectorName, regexFlag} from '../src/cli/collect-flags.js';
import {untilInterrupted} from '../src/cli/interrupt.js';
import {avroEncoderFromFlags, avroProduceFlags} from '../src/cli/registry-flags.js';
import {definedOnly, parseDuration, parseSize} from '../src/lib/size.js';
import {collectSummary, runCollector, type CollectReport} from '../src/services/collect-service.js';
import {TailSource} from '../src/sources/tail/tail-source.js';

const POSITIONS_DIR = path.join('.kcollect', 'positions');

export default class TailProduce extends KcollectCommand {
  static override summary = 'Follow growing log files and send each new line to a topic';
  static override description = `Like Flume's TAILDIR source with a Kafka sink, without its losses and duplicates: files are followed by identity (device, inode and a fingerprint of their first bytes), so rename rotation (a.log -> a.log.1), copytruncate, truncation, delete and re-create and files that appear later are each read once. The position file moves only after Kafka acknowledged the lines, so a restart (even after kill -9) neither loses nor repeats a line. Lines that cannot be records go to the dead-letter topic with their file, inode and byte offset. With --format avro each line becomes an Avro record in the Confluent wire format (schema registered under TOPIC-value at --registry-url); a line that does not fit the schema goes to the dead-letter topic with the reason. Runs until Ctrl-C, or with --exit until every file is read to its end and in Kafka.`;
  static override examples = [
    "<%= config.bin %> tail-produce driver-realtime-log/SmartCarDriverInfo.log --topic SmartCar-Topic --include '^\\d{14}' --key-field 2",
    "<%= config.bin %> tail-produce '/var/log/app/*.log' --topic app-logs --from-end --multiline-start '^\\d{4}-'",
    "<%= config.bin %> tail-produce 'status-log/*.log' --topic SmartCar-Status --exit",
    "<%= config.bin %> tail-produce driver-realtime-log/SmartCarDriverInfo.log --topic SmartCar-Topic --include '^\\d{14}' --key-field 2 --format avro --avro-schema smartcar-driving",
  ];

  static override strict = false;
  static override args = {files: Args.string({required: true, description: 'files or globs to follow (quote globs so the shell does not expand them)'})};

  static override flags = {
    ...collectFlags,
    ...avroProduceFlags,
    'position-file': Flags.string({env: 'KCOLLECT_POSITION_FILE', description: 'where the read positions are kept (default .kcollect/positions/NAME.json; without --name, NAME is tail-produce-<hash of the files and topic>)'}),
    'from-beginning': Flags.boolean({exclusive: ['from-end'], env: 'KCOLLECT_FROM_BEGINNING', description: 'read files seen for the first time from their start (the default)'}),
    'from-end': Flags.boolean({exclusive: ['from-beginning'], env: 'KCOLLECT_FROM_END', description: 'send only lines written after the start, for files seen for the first time'}),
    'multiline-start': Flags.string({env: 'KCOLLECT_MULTILINE_START', description: 'a line matching this regex starts a record; following lines that do not are joined to it (stack traces)'}),
    'multiline-timeout': Flags.string({default: '1s', env: 'KCOLLECT_MULTILINE_TIMEOUT', description: 'send a pending multiline record after this long without a new line'}),
    'poll-interval': Flags.string({default: '250ms', env: 'KCOLLECT_POLL_INTERVAL', description: 'how often files are checked when no change notification came (inotify wakes the reader at once; polling is the safety net for NFS, globbed directories and lost events)'}),
    exit: Flags.boolean({char: 'e', default: false, env: 'KCOLLECT_EXIT', description: 'stop once every file is read to its end and Kafka acknowledged it, instead of following them (a catch-up run, like kcat -P -l); a last line without a newline is sent too'}),
    linger: Flags.string({env: 'KCOLLECT_LINGER', description: 'lines written while a batch is on its way to Kafka wait for its acknowledgement, at most this long, and go out together; with nothing on its way a line is sent at once (default: linger.ms of the client properties, else 5ms)'}),
  };

  async run(): Promise<CollectReport> {
    const {argv, flags} = await this.parse(TailProduce);
    const patterns = argv as string[];
    const log = (line: string) => this.logToStderr(`kcollect: ${line}`);
    const client = resolveClient(flags);
    const options = collectOptionsFromFlags(flags, client, defaultCollectorName('tail-produce', patterns, flags.topic), log);
    const valueEncoder = await avroEncoderFromFlags(flags, options.topic);
    if (valueEncoder) log(`values are Avro: schema id ${valueEncoder.schemaId}, subject ${valueEncoder.subject} at ${flags['registry-url']}`);
    const source = new TailSource(definedOnly({
      name: 'tail',
      patterns,
      positionFile: flags['position-file'] ?? path.join(POSITIONS_DIR, `${options.name}.json`),
      // Before positions were kept per run, every unnamed run shared this file: read it (only) for the files given.
      legacyPositionFile: flags['position-file'] || flags.name ? undefined : path.join(POSITIONS_DIR, 'tail-produce.json'),
      startAt: flags['from-end'] ? 'end' : 'beginning',
      maxLineBytes: parseSize(flags['max-line-bytes'], '--max-line-bytes'),
      multilineStart: regexFlag('--multiline-start', flags['multiline-start']),
      multilineTimeoutMs: parseDuration(flags['multiline-timeout'], '--multiline-timeout'),
      pollIntervalMs: parseDuration(flags['poll-interval'], '--poll-interval'),
      lingerMs: flags.linger === undefined ? (client.settings.lingerMs ?? 5) : parseDuration(flags.linger, '--linger'),
      batchMaxEvents: flags['batch-size'],
      exitAtEnd: flags.exit,
    }));
    log(`${flags.exit ? 'sending' : 'following'} ${patterns.join(' ')} into ${options.topic} on ${options.brokers.join(',')} (${flags.exit ? 'until the end of each file; ' : ''}Ctrl-C to stop)`);
    const report = await untilInterrupted((signal) => runCollector({...options, source, valueEncoder, progress: this.jsonEnabled() ? undefined : process.stderr}, signal));
    this.log(collectSummary(report, options.dlqTopic));
    return report;
  }
}
