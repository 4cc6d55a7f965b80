// FindCoordinator 0-2: a single node coordinates every group itself.
import {ErrorCode} from '../../protocol/errors.js';
import {FindCoordinator} from '../../protocol/messages/10-find-coordinator.js';
import type {Handler} from '../handler.js';

const KEY_GROUP = 0;

export const findCoordinatorHandler: Handler = {
  api: FindCoordinator,
  minVersion: 0,
  maxVersion: 2,
  handle(request, {broker}) {
    if ((request.keyType ?? KEY_GROUP) !== KEY_GROUP) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'transactions are not supported', nodeId: -1, host: '', port: -1};
    }
    const {host, port} = broker.advertised;
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId: broker.nodeId, host, port};
  },
};
