// The topic as kcat and Kafka's tools take it: `-t TOPIC`, or the first argument, in every command.
import {Args, Flags} from '#oclif';
import {UserError} from '../lib/errors.js';

export const topicArg = Args.string({required: false, description: 'the topic (or -t TOPIC)'});

export const topicFlag = Flags.string({char: 't', env: 'KCOLLECT_TOPIC', description: 'the topic (or give it as the first argument)'});

/**
 * The topic a `topic` command works on, as kafka-topics.sh takes it (--topic NAME) or as the first
 * argument; no environment variable: a delete must name its topic on the command line.
 */
export const topicNameFlag = Flags.string({char: 't', description: 'the topic (or give it as the first argument)'});

/** What resolveTopic reads of a command's parse: the raw tokens tell -t from KCOLLECT_TOPIC. */
export interface TopicInput {
  args: {topic?: string};
  flags: {topic?: string};
  raw: ReadonlyArray<{type: string; flag?: string}>;
}

/**
 * The topic from the argument or -t: one of them, or both the same. KCOLLECT_TOPIC fills -t only
 * when the command line names no topic: a topic typed as the argument wins over the environment.
 */
export function resolveTopic({args, flags, raw}: TopicInput): string {
  const typed = raw.some((t) => t.type === 'flag' && t.flag === 'topic');
  const arg = args.topic;
  const flag = typed || arg === undefined ? flags.topic : undefined;
  if (arg !== undefined && flag !== undefined && arg !== flag) throw new UserError(`two topics given: ${arg} and -t ${flag}`, 'give the topic once, as the first argument or with -t');
  const topic = arg ?? flag;
  if (topic === undefined) throw new UserError('no topic given', 'give the topic as the first argument or with -t TOPIC');
  return topic;
}
