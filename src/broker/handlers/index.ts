import type {Handler, LazyHandler} from '../handler.js';
import {produceHandler} from './00-produce.js';
import {fetchHandler} from './01-fetch.js';
import {listOffsetsHandler} from './02-list-offsets.js';
import {metadataHandler} from './03-metadata.js';
import {saslHandshakeHandler} from './17-sasl-handshake.js';
import {apiVersionsHandler} from './18-api-versions.js';
import {initProducerIdHandler} from './22-init-producer-id.js';

/** The APIs every producer and simple consumer uses: loaded with the broker. */
export const eagerHandlers: Handler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  saslHandshakeHandler,
  apiVersionsHandler,
  initProducerIdHandler,
];

/**
 * The APIs of consumer groups, admin tools, transactions, ACLs and SASL/SCRAM: each module (and its
 * message schema) is loaded on the first request of its key, so a broker starts without them. Their
 * versions are repeated here for ApiVersions; test/broker/lazy-handlers.test.ts checks
 * them against the handlers.
 */
export const lazyHandlers: LazyHandler[] = [
  {apiKey: 8, minVersion: 0, maxVersion: 9, load: async () => (await import('./08-offset-commit.js')).offsetCommitHandler},
  {apiKey: 9, minVersion: 0, maxVersion: 8, load: async () => (await import('./09-offset-fetch.js')).offsetFetchHandler},
  {apiKey: 10, minVersion: 0, maxVersion: 4, load: async () => (await import('./10-find-coordinator.js')).findCoordinatorHandler},
  {apiKey: 11, minVersion: 0, maxVersion: 9, load: async () => (await import('./11-join-group.js')).joinGroupHandler},
  {apiKey: 12, minVersion: 0, maxVersion: 4, load: async () => (await import('./12-heartbeat.js')).heartbeatHandler},
  {apiKey: 13, minVersion: 0, maxVersion: 5, load: async () => (await import('./13-leave-group.js')).leaveGroupHandler},
  {apiKey: 14, minVersion: 0, maxVersion: 5, load: async () => (await import('./14-sync-group.js')).syncGroupHandler},
  {apiKey: 15, minVersion: 0, maxVersion: 5, load: async () => (await import('./15-describe-groups.js')).describeGroupsHandler},
  {apiKey: 16, minVersion: 0, maxVersion: 5, load: async () => (await import('./16-list-groups.js')).listGroupsHandler},
  {apiKey: 19, minVersion: 0, maxVersion: 7, load: async () => (await import('./19-create-topics.js')).createTopicsHandler},
  {apiKey: 20, minVersion: 0, maxVersion: 6, load: async () => (await import('./20-delete-topics.js')).deleteTopicsHandler},
  {apiKey: 21, minVersion: 0, maxVersion: 2, load: async () => (await import('./21-delete-records.js')).deleteRecordsHandler},
  {apiKey: 23, minVersion: 0, maxVersion: 4, load: async () => (await import('./23-offset-for-leader-epoch.js')).offsetForLeaderEpochHandler},
  {apiKey: 24, minVersion: 0, maxVersion: 3, load: async () => (await import('./24-add-partitions-to-txn.js')).addPartitionsToTxnHandler},
  {apiKey: 25, minVersion: 0, maxVersion: 3, load: async () => (await import('./25-add-offsets-to-txn.js')).addOffsetsToTxnHandler},
  {apiKey: 26, minVersion: 0, maxVersion: 3, load: async () => (await import('./26-end-txn.js')).endTxnHandler},
  {apiKey: 27, minVersion: 0, maxVersion: 1, load: async () => (await import('./27-write-txn-markers.js')).writeTxnMarkersHandler},
  {apiKey: 28, minVersion: 0, maxVersion: 3, load: async () => (await import('./28-txn-offset-commit.js')).txnOffsetCommitHandler},
  {apiKey: 29, minVersion: 0, maxVersion: 3, load: async () => (await import('./29-describe-acls.js')).describeAclsHandler},
  {apiKey: 30, minVersion: 0, maxVersion: 3, load: async () => (await import('./30-create-acls.js')).createAclsHandler},
  {apiKey: 31, minVersion: 0, maxVersion: 3, load: async () => (await import('./31-delete-acls.js')).deleteAclsHandler},
  {apiKey: 32, minVersion: 0, maxVersion: 4, load: async () => (await import('./32-describe-configs.js')).describeConfigsHandler},
  {apiKey: 33, minVersion: 0, maxVersion: 2, load: async () => (await import('./33-alter-configs.js')).alterConfigsHandler},
  {apiKey: 35, minVersion: 0, maxVersion: 4, load: async () => (await import('./35-describe-log-dirs.js')).describeLogDirsHandler},
  {apiKey: 36, minVersion: 0, maxVersion: 2, load: async () => (await import('./36-sasl-authenticate.js')).saslAuthenticateHandler},
  {apiKey: 37, minVersion: 0, maxVersion: 3, load: async () => (await import('./37-create-partitions.js')).createPartitionsHandler},
  {apiKey: 42, minVersion: 0, maxVersion: 2, load: async () => (await import('./42-delete-groups.js')).deleteGroupsHandler},
  {apiKey: 44, minVersion: 0, maxVersion: 1, load: async () => (await import('./44-incremental-alter-configs.js')).incrementalAlterConfigsHandler},
  {apiKey: 50, minVersion: 0, maxVersion: 0, load: async () => (await import('./50-describe-user-scram-credentials.js')).describeUserScramCredentialsHandler},
  {apiKey: 51, minVersion: 0, maxVersion: 0, load: async () => (await import('./51-alter-user-scram-credentials.js')).alterUserScramCredentialsHandler},
  {apiKey: 61, minVersion: 0, maxVersion: 0, load: async () => (await import('./61-describe-producers.js')).describeProducersHandler},
  {apiKey: 65, minVersion: 0, maxVersion: 0, load: async () => (await import('./65-describe-transactions.js')).describeTransactionsHandler},
  {apiKey: 66, minVersion: 0, maxVersion: 1, load: async () => (await import('./66-list-transactions.js')).listTransactionsHandler},
];
