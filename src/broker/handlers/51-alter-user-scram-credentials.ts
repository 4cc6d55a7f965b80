// AlterUserScramCredentials 0 (KIP-554): the client sends salt and salted password; the broker
// derives stored and server keys and keeps them as Kafka does (/config/users/<name>).
import {ErrorCode} from '../../protocol/errors.js';
import {AlterUserScramCredentials} from '../../protocol/messages/51-alter-user-scram-credentials.js';
import {credentialFromSalted, MAX_ITERATIONS, MIN_ITERATIONS, mechanismOfCode} from '../../security/scram.js';
import {deleteScram, upsertScram} from '../../security/scram-credentials.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

interface Change {
  name: string;
  mechanism: number;
  iterations?: number;
  salt?: Buffer;
  saltedPassword?: Buffer;
}

export const alterUserScramCredentialsHandler: Handler = {
  api: AlterUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, {broker, session}) {
    const deletions = request.deletions as Change[];
    const upsertions = request.upsertions as Change[];
    if (!broker.authorize(session, Operation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME)) {
      const users = [...new Set([...deletions, ...upsertions].map((c) => c.name))];
      return {throttleTimeMs: 0, results: users.map((user) => ({user, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Alter on the cluster is needed to change SCRAM credentials'}))};
    }
    const results = new Map<string, {errorCode: number; errorMessage: string | null}>();
    const fail = (user: string, errorCode: number, errorMessage: string) => results.set(user, {errorCode, errorMessage});
    // Kafka refuses a user named twice for one mechanism, or with an unusable value, as a whole.
    const seen = new Set<string>();
    for (const c of [...deletions, ...upsertions]) {
      const key = `${c.name}\u0000${c.mechanism}`;
      if (seen.has(key)) fail(c.name, ErrorCode.DUPLICATE_RESOURCE, `A user credential cannot be altered twice in the same request: ${c.name}`);
      seen.add(key);
      if (c.name === '') fail(c.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
      else if (!mechanismOfCode(c.mechanism)) fail(c.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, `Unknown SCRAM mechanism ${c.mechanism}`);
    }
    for (const u of upsertions) {
      if (results.has(u.name)) continue;
      if (u.iterations! < MIN_ITERATIONS || u.iterations! > MAX_ITERATIONS) fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, `Iterations ${u.iterations} must be between ${MIN_ITERATIONS} and ${MAX_ITERATIONS}`);
      else if (u.salt!.length === 0 || u.saltedPassword!.length === 0) fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Salt and salted password must not be empty');
    }
    for (const d of deletions) {
      if (results.has(d.name)) continue;
      if (!(await deleteScram(broker.security, d.name, mechanismOfCode(d.mechanism)!))) {
        fail(d.name, ErrorCode.RESOURCE_NOT_FOUND, `Attempt to delete a user credential that does not exist: ${d.name}`);
      }
    }
    for (const u of upsertions) {
      if (results.has(u.name)) continue;
      const mechanism = mechanismOfCode(u.mechanism)!;
      await upsertScram(broker.security, u.name, mechanism, credentialFromSalted(mechanism, u.saltedPassword!, u.salt!, u.iterations!));
    }
    const users = [...new Set([...deletions, ...upsertions].map((c) => c.name))];
    return {throttleTimeMs: 0, results: users.map((user) => ({user, ...(results.get(user) ?? {errorCode: ErrorCode.NONE, errorMessage: null})}))};
  },
};
