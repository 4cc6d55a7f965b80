// WriteTxnMarkers 0-1: from a transaction coordinator to the partitions' leader (ClusterAction).
import {ErrorCode} from '../../protocol/errors.js';
import {WriteTxnMarkers} from '../../protocol/messages/27-write-txn-markers.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const writeTxnMarkersHandler: Handler = {
  api: WriteTxnMarkers,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, {broker, session}) {
    const allowed = broker.authorize(session, Operation.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_NAME);
    const markers = await Promise.all(
      request.markers.map(async (m: any) => ({
        producerId: m.producerId,
        topics: await Promise.all(
          m.topics.map(async (t: any) => ({
            name: t.name,
            partitions: await Promise.all(
              t.partitionIndexes.map(async (partition: number) => ({
                partitionIndex: partition,
                errorCode: allowed ? await broker.transactions.appendMarker(t.name, partition, m.producerId, m.producerEpoch, m.transactionResult ? 'COMMIT' : 'ABORT') : ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
              })),
            ),
          })),
        ),
      })),
    );
    return {markers};
  },
};
