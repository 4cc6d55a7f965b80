// DescribeLogDirs: the size of each partition's log on this broker (kafka-log-dirs.sh, the dashboard's SIZE).
import {type ApiSchema, array, field} from '../schema.js';

export const DescribeLogDirs: ApiSchema = {
  apiKey: 35,
  name: 'DescribeLogDirs',
  request: {
    versions: '0-4',
    flexibleVersions: '2+',
    fields: [array('topics', [field('topic', 'string'), array('partitions', 'int32')], '0+', {nullableVersions: '0+'})],
  },
  response: {
    versions: '0-4',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', 'int32'),
      field('errorCode', 'int16', '3+'),
      array('results', [
        field('errorCode', 'int16'),
        field('logDir', 'string'),
        array('topics', [
          field('name', 'string'),
          array('partitions', [field('partitionIndex', 'int32'), field('partitionSize', 'int64'), field('offsetLag', 'int64'), field('isFutureKey', 'bool')]),
        ]),
        field('totalBytes', 'int64', '4+', {default: -1}),
        field('usableBytes', 'int64', '4+', {default: -1}),
      ]),
    ],
  },
};
