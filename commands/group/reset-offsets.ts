import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {groupArg, groupNameFlag, resolveGroup} from '../../src/cli/name-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {parseResetMode, parseTopicSpecs, resetOffsets, type ResetOffsetsResult} from '../../src/services/group-service.js';
import {table} from '../../src/services/text-table.js';
import {UserError} from '../../src/lib/errors.js';

export default class GroupResetOffsets extends KcollectCommand {
  static override summary = "Move a consumer group's committed offsets (a dry run unless --execute)";
  static override description = `Prints each partition's committed offset before and after. Nothing changes without --execute, which has no environment variable on purpose.
--dry-run says the default out loud, as kafka-consumer-groups.sh takes it; it cannot go with --execute.

Pick the partitions with --topic (repeatable; T:0,1 for some partitions) or
--all-topics, and exactly one target:
  --to-earliest        the log start
  --to-latest          the log end (skip everything not read yet)
  --to-offset N        offset N
  --to-datetime ISO    the first record at or after that time
  --by-duration PT10M  the first record at or after now minus that duration
  --shift-by N         the committed offset plus N (negative moves back)
ISO is e.g. 2024-05-01T08:00:00Z (without a zone: local time); durations are
ISO-8601: PT10M, PT1H30M, P1D.
Targets are clamped to [log start, log end], as Kafka does (an offset moved so is said on stderr).
The group must have no live members.`;
  static override examples = [
    '<%= config.bin %> group reset-offsets hbase-drain --topic driving-logs --to-earliest',
    '<%= config.bin %> group reset-offsets hbase-drain --topic driving-logs:0,1 --shift-by -100 --execute',
    '<%= config.bin %> group reset-offsets hbase-drain --all-topics --by-duration PT10M --execute',
    '<%= config.bin %> group reset-offsets hbase-drain --topic car-status --to-datetime 2024-05-01T08:00:00Z --json',
  ];

  static override args = {group: groupArg};

  static override flags = {
    ...kafkaFlags,
    group: groupNameFlag,
    topic: Flags.string({
      char: 't',
      multiple: true,
      env: 'KCOLLECT_RESET_TOPIC',
      description: 'topic to reset, T or T:0,1 for some partitions (repeatable; space-separated in the env var)',
    }),
    'all-topics': Flags.boolean({default: false, env: 'KCOLLECT_RESET_ALL_TOPICS', description: 'every topic the group has committed offsets for'}),
    'to-earliest': Flags.boolean({default: false, env: 'KCOLLECT_RESET_TO_EARLIEST', description: 'reset to the log start offset'}),
    'to-latest': Flags.boolean({default: false, env: 'KCOLLECT_RESET_TO_LATEST', description: 'reset to the log end offset'}),
    'to-offset': Flags.integer({env: 'KCOLLECT_RESET_TO_OFFSET', description: 'reset to offset N (clamped to the log)'}),
    'to-datetime': Flags.string({env: 'KCOLLECT_RESET_TO_DATETIME', description: 'reset to the first record at or after an ISO-8601 time'}),
    'by-duration': Flags.string({env: 'KCOLLECT_RESET_BY_DURATION', description: 'reset to the first record at or after now minus an ISO-8601 duration, e.g. PT10M'}),
    'shift-by': Flags.integer({env: 'KCOLLECT_RESET_SHIFT_BY', description: 'move each committed offset by N (negative allowed: --shift-by=-10)'}),
    execute: Flags.boolean({default: false, description: 'commit the new offsets (default: dry run). No environment variable, on purpose'}),
    // kafka-consumer-groups.sh asks scripts to say --dry-run, since it may one day prompt instead.
    'dry-run': Flags.boolean({default: false, exclusive: ['execute'], env: 'KCOLLECT_RESET_DRY_RUN', description: 'only show the new offsets, as without --execute (as kafka-consumer-groups.sh takes it)'}),
  };

  async run(): Promise<ResetOffsetsResult> {
    const parsed = await this.parse(GroupResetOffsets);
    const {flags} = parsed;
    const group = resolveGroup(parsed);
    const mode = parseResetMode({
      toEarliest: flags['to-earliest'],
      toLatest: flags['to-latest'],
      toOffset: flags['to-offset'],
      toDatetime: flags['to-datetime'],
      shiftBy: flags['shift-by'],
      byDuration: flags['by-duration'],
    });
    const topics = parseTopicSpecs(flags.topic);
    if (flags['all-topics'] && topics.length > 0) throw new UserError('pass either --topic or --all-topics, not both', 'drop --all-topics to reset only the named topics');
    const result = await resetOffsets(resolveKafka(flags), {
      group,
      topics: flags['all-topics'] ? 'all' : topics,
      mode,
      execute: flags.execute,
    });
    // As kafka-consumer-groups.sh says it: an offset outside the log was moved to its nearer end.
    if (mode.kind === 'to-offset') {
      for (const p of result.partitions.filter((r) => r.after !== mode.offset)) {
        this.logToStderr(`kcollect: warning: offset ${mode.offset} is ${mode.offset > p.logEnd ? 'past the end' : 'before the start'} of ${p.topic}:${p.partition} [${p.logStart}, ${p.logEnd}]; it is set to ${p.after}`);
      }
    }
    const rows = table(
      ['TOPIC', 'PARTITION', 'LOG-START', 'LOG-END', 'BEFORE', 'AFTER'],
      result.partitions.map((p) => [p.topic, p.partition, p.logStart, p.logEnd, p.before, p.after]),
    );
    const footer = result.executed
      ? `committed ${result.partitions.length} offset${result.partitions.length === 1 ? '' : 's'} for group ${result.group}`
      : 'dry run: nothing was changed; add --execute to commit these offsets';
    this.log(`${rows}\n\n${footer}`);
    return result;
  }
}
