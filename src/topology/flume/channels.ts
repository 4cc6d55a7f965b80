/** Flume channels (memory, file) as kcollect channels. Part of `kcollect agent import` (../flume-import.ts). */
import {type ChannelInput, Scope, type TypeTable, defined} from './scope.js';

export function convertChannel(s: Scope, name: string): ChannelInput | undefined {
  const type = s.type(CHANNEL_TYPES);
  if (type === 'memory') {
    s.noteAll(['transactionCapacity', 'keep-alive', 'byteCapacityBufferPercentage'], 'not needed: kcollect batches are bounded by the sink\'s batchSize, and a full channel makes the source wait');
    return defined({type: 'memory' as const, capacity: s.positive('capacity'), byteCapacity: s.positive('byteCapacity')});
  }
  if (type === 'file') {
    const dirs = s.list('dataDirs', /,/);
    if (dirs.length > 1) s.note('dataDirs', `kcollect's file channel writes one directory: ${dirs[0]}; the others are not used`);
    const dir = dirs[0] ?? `file-channel/${name}`;
    if (dirs.length === 0) s.noteType(`no dataDirs given (Flume's default is ~/.flume/file-channel/data); kcollect uses ${dir}`);
    s.noteAll(['checkpointDir', 'backupCheckpointDir', 'useDualCheckpoints', 'checkpointInterval', 'checkpointOnClose', 'use-fast-replay', 'useLogReplayV1', 'useFastReplay'], `not needed: kcollect's file channel keeps its log and checkpoint together in ${dir}`);
    s.noteAll(['transactionCapacity', 'keep-alive', 'maxFileSize', 'minimumRequiredSpace', 'write-timeout'], 'not needed: kcollect sizes its log segments itself and batches by the sink\'s batchSize');
    return defined({type: 'file' as const, dir, capacity: s.positive('capacity')});
  }
  return undefined;
}

const CHANNEL_TYPES: TypeTable = {
  memory: 'memory',
  'org.apache.flume.channel.memorychannel': 'memory',
  file: 'file',
  'org.apache.flume.channel.file.filechannel': 'file',
  kafka: 'kcollect keeps events in memory or file channels; a Kafka channel is a kafka sink here (and `kcollect consume` drains a topic)',
  jdbc: 'kcollect has no JDBC channel; use a file channel',
  spillablememory: 'kcollect has no spillable channel; use a file channel',
};
