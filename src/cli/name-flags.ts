// The topic and the group as kcat and Kafka's tools take them: `-t TOPIC` / `--group G`, or the
// first argument, in every command.
import {Args, Flags} from '#oclif';
import {UserError} from '../lib/errors.js';

export const topicArg = Args.string({required: false, description: 'the topic (or -t TOPIC)'});

export const topicFlag = Flags.string({char: 't', env: 'KCOLLECT_TOPIC', description: 'the topic (or give it as the first argument)'});

/**
 * The topic a `topic` command works on, as kafka-topics.sh takes it (--topic NAME; no -t, which is
 * add-partitions' --total) or as the first argument; no environment variable: a delete must name
 * its topic on the command line.
 */
export const topicNameFlag = Flags.string({description: 'the topic (or give it as the first argument)'});

export const topicNameArg = Args.string({required: false, description: 'the topic (or --topic TOPIC)'});

export const groupArg = Args.string({required: false, description: 'the consumer group id (or -g GROUP)'});

/** As kafka-consumer-groups.sh takes it (--group G); no environment variable, as for topicNameFlag. */
export const groupNameFlag = Flags.string({char: 'g', description: 'the consumer group id (or give it as the first argument)'});

/** What argOrFlag reads of a command's parse: the raw tokens tell a typed flag from its environment variable. */
export interface ParsedNames {
  args: Record<string, unknown>;
  flags: Record<string, unknown>;
  raw: ReadonlyArray<{type: string; flag?: string}>;
}

/**
 * A name given as the first argument or as its flag: one of them, or both the same. A flag filled
 * from its environment variable is only a default: a name typed as the argument wins over it.
 */
function argOrFlag({args, flags, raw}: ParsedNames, key: string, what: string, flagName: string): string | undefined {
  const typed = raw.some((t) => t.type === 'flag' && t.flag === key);
  const arg = args[key] as string | undefined;
  const flag = typed || arg === undefined ? (flags[key] as string | undefined) : undefined;
  if (arg !== undefined && flag !== undefined && arg !== flag) throw new UserError(`two ${what}s given: ${arg} and ${flagName} ${flag}`, `give the ${what} once, as the first argument or with ${flagName}`);
  return arg ?? flag;
}

function required(name: string | undefined, what: string, flagName: string): string {
  if (name === undefined) throw new UserError(`no ${what} given`, `give the ${what} as the first argument or with ${flagName} ${what.toUpperCase()}`);
  return name;
}

/** The topic from the argument or -t (KCOLLECT_TOPIC only when the command line names none). */
export function resolveTopic(parsed: ParsedNames, flagName = '-t'): string {
  return required(argOrFlag(parsed, 'topic', 'topic', flagName), 'topic', flagName);
}

/** The topic if one is named (a command that otherwise works on every topic). */
export function resolveOptionalTopic(parsed: ParsedNames, flagName = '-t'): string | undefined {
  return argOrFlag(parsed, 'topic', 'topic', flagName);
}

/** The consumer group from the argument or -g/--group. */
export function resolveGroup(parsed: ParsedNames): string {
  return required(argOrFlag(parsed, 'group', 'group', '-g'), 'group', '-g');
}
