// The topic as kcat and Kafka's tools take it: `-t TOPIC`, or the first argument, in every command.
import {Args, Flags} from '#oclif';
import {UserError} from '../lib/errors.js';

export const topicArg = Args.string({required: false, description: 'the topic (or -t TOPIC)'});

export const topicFlag = Flags.string({char: 't', env: 'KCOLLECT_TOPIC', description: 'the topic (or give it as the first argument)'});

/** The topic from the argument or -t: one of them, or both the same. */
export function resolveTopic(arg: string | undefined, flag: string | undefined): string {
  if (arg !== undefined && flag !== undefined && arg !== flag) throw new UserError(`two topics given: ${arg} and -t ${flag}`, 'give the topic once, as the first argument or with -t');
  const topic = arg ?? flag;
  if (topic === undefined) throw new UserError('no topic given', 'give the topic as the first argument or with -t TOPIC');
  return topic;
}
