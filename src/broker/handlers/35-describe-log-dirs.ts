// DescribeLogDirs 0-4: one log dir (log.dirs holds one), each partition's size and how far its
// log end is past the high watermark; needs Describe on the cluster, as in Kafka.
import {statfsSync} from 'node:fs';
import {ErrorCode} from '../../protocol/errors.js';
import {DescribeLogDirs} from '../../protocol/messages/35-describe-log-dirs.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const describeLogDirsHandler: Handler = {
  api: DescribeLogDirs,
  minVersion: 0,
  maxVersion: 4,
  handle(request, {broker, session}) {
    if (!broker.authorize(session, Operation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: []};
    }
    const wanted = request.topics as Array<{topic: string; partitions: number[]}> | null;
    const selected = wanted === null ? broker.logs.topics().map((t) => ({topic: t.name, partitions: null})) : wanted;
    const topics = selected.flatMap(({topic, partitions}) => {
      const info = broker.logs.topic(topic);
      if (!info) return [];
      const indexes = partitions ?? Array.from({length: info.partitions}, (_, i) => i);
      const present = indexes.flatMap((index) => {
        const log = broker.logs.partition(topic, index);
        return log ? [{partitionIndex: index, partitionSize: log.sizeBytes, offsetLag: Math.max(0, log.logEndOffset - log.highWatermark), isFutureKey: false}] : [];
      });
      return present.length > 0 ? [{name: topic, partitions: present}] : [];
    });
    const volume = statfsSync(broker.logs.dataDir);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{errorCode: ErrorCode.NONE, logDir: broker.logs.dataDir, topics, totalBytes: volume.blocks * volume.bsize, usableBytes: volume.bavail * volume.bsize}],
    };
  },
};
