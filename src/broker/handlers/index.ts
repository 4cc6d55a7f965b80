import type {Handler} from '../handler.js';
import {produceHandler} from './00-produce.js';
import {fetchHandler} from './01-fetch.js';
import {listOffsetsHandler} from './02-list-offsets.js';
import {metadataHandler} from './03-metadata.js';
import {apiVersionsHandler} from './18-api-versions.js';
import {createTopicsHandler} from './19-create-topics.js';
import {deleteTopicsHandler} from './20-delete-topics.js';
import {deleteRecordsHandler} from './21-delete-records.js';
import {describeConfigsHandler} from './32-describe-configs.js';
import {alterConfigsHandler} from './33-alter-configs.js';
import {createPartitionsHandler} from './37-create-partitions.js';

/** Every API the broker serves; ApiVersions advertises exactly these. */
export const allHandlers: Handler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  apiVersionsHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  deleteRecordsHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  createPartitionsHandler,
];
