import {randomBytes} from 'node:crypto';
import {UserError} from '../lib/errors.js';
import {ErrorCode, errorInfo} from '../protocol/errors.js';
import {AlterUserScramCredentials} from '../protocol/messages/51-alter-user-scram-credentials.js';
import {DescribeUserScramCredentials} from '../protocol/messages/50-describe-user-scram-credentials.js';
import {mechanismOfCode, SCRAM_MECHANISM_CODES, saltedPassword, type ScramMechanism} from '../security/scram.js';
import {requestAny} from './topic-config-requests.js';

/** SCRAM users through Describe/AlterUserScramCredentials (KIP-554), as kafka-configs.sh --entity-type users does. */

export interface ScramUser {
  user: string;
  credentials: Array<{mechanism: ScramMechanism; iterations: number}>;
}

function refused(what: string, errorCode: number, message: string | null): UserError {
  const {name} = errorInfo(errorCode);
  const hint = name === 'RESOURCE_NOT_FOUND' ? 'list the users with `kcollect user list`' : name === 'CLUSTER_AUTHORIZATION_FAILED' ? 'this needs Alter (Describe to list) on the cluster: connect as a super user' : undefined;
  return new UserError(`${what}: ${name} (${errorCode})${message ? `: ${message}` : ''}`, hint);
}

/** The password is salted here: the broker only ever receives the salted password. */
export async function upsertScramUser(brokers: string[], user: string, mechanism: ScramMechanism, password: string, iterations: number): Promise<void> {
  const salt = randomBytes(32);
  const res = await requestAny(brokers, AlterUserScramCredentials, [0, 0], {
    deletions: [],
    upsertions: [{name: user, mechanism: SCRAM_MECHANISM_CODES[mechanism], iterations, salt, saltedPassword: saltedPassword(mechanism, password, salt, iterations)}],
  });
  const r = res.results[0];
  if (r.errorCode !== ErrorCode.NONE) throw refused(`setting ${mechanism} credentials of ${user}`, r.errorCode, r.errorMessage);
}

export async function deleteScramUser(brokers: string[], user: string, mechanism: ScramMechanism): Promise<void> {
  const res = await requestAny(brokers, AlterUserScramCredentials, [0, 0], {deletions: [{name: user, mechanism: SCRAM_MECHANISM_CODES[mechanism]}], upsertions: []});
  const r = res.results[0];
  if (r.errorCode !== ErrorCode.NONE) throw refused(`deleting ${mechanism} credentials of ${user}`, r.errorCode, r.errorMessage);
}

export async function describeScramUsers(brokers: string[], users: string[] = []): Promise<ScramUser[]> {
  const res = await requestAny(brokers, DescribeUserScramCredentials, [0, 0], {users: users.length > 0 ? users.map((name) => ({name})) : null});
  if (res.errorCode !== ErrorCode.NONE) throw refused('listing SCRAM users', res.errorCode, res.errorMessage);
  return (res.results as Array<{user: string; errorCode: number; errorMessage: string | null; credentialInfos: Array<{mechanism: number; iterations: number}>}>).map((r) => {
    if (r.errorCode !== ErrorCode.NONE) throw refused(`describing ${r.user}`, r.errorCode, r.errorMessage);
    return {user: r.user, credentials: r.credentialInfos.map((c) => ({mechanism: mechanismOfCode(c.mechanism)!, iterations: c.iterations}))};
  });
}
