// DescribeUserScramCredentials 0 (KIP-554): mechanisms and iterations per user, never a key.
// A named user without credentials is RESOURCE_NOT_FOUND; null or empty users lists them all.
import {ErrorCode} from '../../protocol/errors.js';
import {DescribeUserScramCredentials} from '../../protocol/messages/50-describe-user-scram-credentials.js';
import {SCRAM_MECHANISM_CODES} from '../../security/scram.js';
import {listScramUsers} from '../../security/scram-credentials.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const describeUserScramCredentialsHandler: Handler = {
  api: DescribeUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  handle(request, {broker, session}) {
    if (!broker.authorize(session, Operation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Describe on the cluster is needed to list SCRAM users', results: []};
    }
    const all = listScramUsers(broker.security);
    const asked: string[] = request.users?.length ? [...new Set((request.users as Array<{name: string}>).map((u) => u.name))] : [...all.keys()].sort();
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      results: asked.map((user) => {
        const creds = all.get(user);
        if (!creds) return {user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos: []};
        return {user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: creds.map((c) => ({mechanism: SCRAM_MECHANISM_CODES[c.mechanism], iterations: c.iterations}))};
      }),
    };
  },
};
