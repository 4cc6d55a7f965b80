// DeleteRecords: offset -1 means "up to the high watermark"; unlike most APIs throttle_time_ms is already there in v0.
import {type ApiSchema, array, field} from '../schema.js';

export const DeleteRecords: ApiSchema = {
  apiKey: 21,
  name: 'DeleteRecords',
  request: {
    versions: '0-2',
    flexibleVersions: '2+',
    fields: [
      array('topics', [field('name', 'string'), array('partitions', [field('partitionIndex', 'int32'), field('offset', 'int64')])]),
      field('timeoutMs', 'int32'),
    ],
  },
  response: {
    versions: '0-2',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', 'int32'),
      array('topics', [
        field('name', 'string'),
        array('partitions', [
          field('partitionIndex', 'int32'),
          // Not a spec default: Kafka answers -1 (INVALID_LOW_WATERMARK) on an error.
          field('lowWatermark', 'int64', '0+', {default: -1}),
          field('errorCode', 'int16'),
        ]),
      ]),
    ],
  },
};
