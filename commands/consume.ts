import {Args, Flags} from '@oclif/core';
import {KcollectCommand} from '../src/cli/base-command.js';
import {brokersFlag, resolveBrokers} from '../src/cli/flags.js';
import {UserError} from '../src/lib/errors.js';
import {FROM_HELP, consumeTo, groupLessSource, groupSource, parseFrom} from '../src/services/consume-service.js';
import {DEFAULT_FORMAT, FORMAT_HELP} from '../src/services/record-format.js';
import {partitionList} from '../src/services/list-values.js';

export default class Consume extends KcollectCommand {
  static override summary = 'Print records of a topic to stdout';
  static override description = `Without --group, reads without a consumer group (nothing is committed). With --group G, joins the group G and commits each batch once it was printed; --from then only says where a group with no committed offsets starts. Records are printed as they arrive; the command runs until Ctrl-C, --count records, or with --exit the end of every partition.

--from: ${FROM_HELP}
--format tokens: ${FORMAT_HELP}
--json prints one JSON object per record and line.`;
  static override examples = [
    '<%= config.bin %> consume driving-logs --from beginning --exit',
    "<%= config.bin %> consume driving-logs --from -10 --format '%p@%o %k=%s\\n'",
    '<%= config.bin %> consume driving-logs --from @2024-05-01T08:00:00Z --count 100 --json',
    '<%= config.bin %> consume driving-logs --group hbase-loader --exit',
  ];

  static override args = {topic: Args.string({required: true, description: 'topic to read'})};

  static override flags = {
    brokers: brokersFlag,
    from: Flags.string({char: 'o', default: 'beginning', env: 'KCOLLECT_FROM', description: `where to start in each partition: ${FROM_HELP}`}),
    partition: Flags.string({char: 'p', multiple: true, env: 'KCOLLECT_CONSUME_PARTITION', description: 'read only these partitions: -p 0 -p 2 or -p 0,2 (default: all)'}),
    count: Flags.integer({char: 'c', min: 1, env: 'KCOLLECT_COUNT', description: 'stop after N records'}),
    exit: Flags.boolean({char: 'e', default: false, env: 'KCOLLECT_EXIT', description: 'stop at the end of every partition instead of waiting for more'}),
    format: Flags.string({char: 'F', default: DEFAULT_FORMAT, env: 'KCOLLECT_FORMAT', description: `kcat-style output format: ${FORMAT_HELP}`}),
    group: Flags.string({char: 'g', env: 'KCOLLECT_GROUP', description: 'join this consumer group and commit what was printed'}),
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Consume);
    const brokers = resolveBrokers(flags.brokers);
    const from = parseFrom(flags.from);
    const interrupt = new AbortController();
    const onSignal = () => interrupt.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      if (flags.group && flags.partition) throw new UserError('--partition cannot be used with --group: the group assigns partitions', 'drop --partition, or drop --group to read chosen partitions');
      const source = flags.group
        ? groupSource({brokers, topic: args.topic, groupId: flags.group, from, count: flags.count, exitAtEnd: flags.exit})
        : groupLessSource({
            brokers,
            topic: args.topic,
            partitions: partitionList(flags.partition),
            from,
            count: flags.count,
            exitAtEnd: flags.exit,
            onWarning: (m) => process.stderr.write(`kcollect: warning: ${m}\n`),
          });
      await consumeTo(source, {format: flags.format, json: this.jsonEnabled(), out: process.stdout, signal: interrupt.signal});
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    // Records went to stdout as they arrived; --json already printed them one per line.
  }
}
