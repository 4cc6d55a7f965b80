import path from 'node:path';
import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../src/cli/base-command.js';
import {resolveClient} from '../src/cli/client-flags.js';
import {collectFlags, collectOptionsFromFlags, defaultCollectorName, regexFlag} from '../src/cli/collect-flags.js';
import {untilInterrupted} from '../src/cli/interrupt.js';
import {avroEncoderFromFlags, avroProduceFlags} from '../src/cli/registry-flags.js';
import {definedOnly, parseDuration, parseSize} from '../src/lib/size.js';
import {collectSummary, runCollector, type CollectReport} from '../src/services/collect-service.js';
import {UserError} from '../src/lib/errors.js';
import {SpoolDirSource, checkSpoolDir, compressedHint} from '../src/sources/spooldir/source.js';
import {readableHint} from '../src/sources/unreadable.js';

export default class SpoolProduce extends KcollectCommand {
  static override summary = 'Send complete files dropped into a directory to a topic, line by line';
  static override description = `Flume's spooling-directory source with a Kafka sink: each file dropped into DIR is read once its size has stayed the same for --stable-for, sent line by line, then renamed with .COMPLETED (or deleted with --delete-policy immediate). A ledger in DIR/.kcollect-spool records progress only after Kafka acknowledged, so a crash resumes mid-file and a file is never ingested twice. A file must be complete when it is put into DIR: write it elsewhere (or as NAME.tmp, kept out like --ignore-pattern names) and mv it in. One that changes after it was taken is not completed: what was added is sent once it stays unchanged, and the change is reported. A file that cannot be read is named once and left as it is. Runs until Ctrl-C, or with --exit until no file is left to send.`;
  static override examples = [
    "<%= config.bin %> spool-produce car-batch-log --topic SmartCar-Status --include '^\\d{14}' --timestamp-header -H logType=car-batch-log --key-field 2",
    '<%= config.bin %> spool-produce car-batch-log --topic SmartCar-Status --exit',
  ];

  static override args = {dir: Args.string({required: true, description: 'the spool directory'})};

  static override flags = {
    ...collectFlags,
    ...avroProduceFlags,
    'delete-policy': Flags.string({options: ['never', 'immediate'], default: 'never', env: 'KCOLLECT_DELETE_POLICY', description: 'never: rename ingested files with --file-suffix; immediate: delete them'}),
    'file-suffix': Flags.string({default: '.COMPLETED', env: 'KCOLLECT_FILE_SUFFIX', description: 'appended to the name of an ingested file'}),
    'ignore-pattern': Flags.string({env: 'KCOLLECT_IGNORE_PATTERN', description: 'file names matching this regex are never read'}),
    'include-pattern': Flags.string({env: 'KCOLLECT_INCLUDE_PATTERN', description: 'only file names matching this regex are read'}),
    'temp-suffix': Flags.string({multiple: true, env: 'KCOLLECT_TEMP_SUFFIX', description: 'names ending so are still being written, never read (default .tmp .part .crdownload .partial and ~; repeatable, replaces the default)'}),
    'stable-for': Flags.string({default: '2s', env: 'KCOLLECT_STABLE_FOR', description: 'a file is read once its size and mtime stayed unchanged this long'}),
    'poll-interval': Flags.string({default: '500ms', env: 'KCOLLECT_POLL_INTERVAL', description: 'how often the directory is listed when idle'}),
    exit: Flags.boolean({char: 'e', default: false, env: 'KCOLLECT_EXIT', description: 'stop once no file is left to send (each sent, acknowledged by Kafka and renamed or deleted), instead of watching DIR; files still being written are waited for; exit 1 if a file could not be read or is compressed'}),
  };

  async run(): Promise<CollectReport & {unreadableFiles: string[]}> {
    const {args, flags} = await this.parse(SpoolProduce);
    const log = (line: string) => this.logToStderr(`kcollect: ${line}`);
    checkSpoolDir(args.dir);
    const options = collectOptionsFromFlags(flags, resolveClient(flags), defaultCollectorName('spool-produce', [args.dir], flags.topic), log);
    const valueEncoder = await avroEncoderFromFlags(flags, options.topic);
    if (valueEncoder) log(`values are Avro: schema id ${valueEncoder.schemaId}, subject ${valueEncoder.subject} at ${flags['registry-url']}`);
    const source = new SpoolDirSource(definedOnly({
      name: 'spooldir',
      dir: args.dir,
      deletePolicy: flags['delete-policy'] as 'never' | 'immediate',
      fileSuffix: flags['file-suffix'],
      ignorePattern: regexFlag('--ignore-pattern', flags['ignore-pattern']),
      includePattern: regexFlag('--include-pattern', flags['include-pattern']),
      tempSuffixes: flags['temp-suffix'],
      stableMs: parseDuration(flags['stable-for'], '--stable-for'),
      pollIntervalMs: parseDuration(flags['poll-interval'], '--poll-interval'),
      batchMaxEvents: flags['batch-size'],
      maxLineBytes: parseSize(flags['max-line-bytes'], '--max-line-bytes'),
      exitWhenEmpty: flags.exit,
    }));
    log(`${flags.exit ? 'sending the files in' : 'ingesting files dropped into'} ${args.dir} into ${options.topic} on ${options.brokers.join(',')} (${flags.exit ? 'until none is left; ' : ''}Ctrl-C to stop)`);
    const report = await untilInterrupted((signal) => runCollector({...options, source, valueEncoder, progress: this.jsonEnabled() ? undefined : process.stderr}, signal));
    this.log(collectSummary(report, options.dlqTopic));
    const unreadable = source.unreadableFiles();
    if (unreadable.length > 0) {
      const which = unreadable.map((u) => `${path.basename(u.file)} ${u.reason}`).join('; ');
      const message = `${unreadable.length} file(s) left unread in ${args.dir}: ${which}`;
      const hints = [...(unreadable.some((u) => !u.compressed) ? [readableHint()] : []), ...(unreadable.some((u) => u.compressed) ? [compressedHint()] : [])];
      // A catch-up run that left files behind did not do its job: a script must see it.
      if (flags.exit) throw new UserError(message, `${hints.join('; ')}, then run again`);
      log(message);
    }
    return {...report, unreadableFiles: unreadable.map((u) => u.file)};
  }
}
