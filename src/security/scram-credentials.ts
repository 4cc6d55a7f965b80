import {formatCredential, parseCredential, type ScramCredential, type ScramMechanism, SCRAM_MECHANISMS} from './scram.js';
import type {SecurityStore} from './security-store.js';

/** SCRAM credentials under /config/users/<name>, as Kafka's ZooKeeper mode keeps them. */
const USERS = '/config/users';
const nodeOf = (user: string): string => `${USERS}/${encodeURIComponent(user)}`;

interface UserNode {
  version: 1;
  config: Record<string, string>;
}

function read(store: SecurityStore, user: string): UserNode {
  const data = store.get(nodeOf(user));
  return data ? (JSON.parse(data) as UserNode) : {version: 1, config: {}};
}

export function lookupScram(store: SecurityStore, user: string, mechanism: ScramMechanism): ScramCredential | undefined {
  const text = read(store, user).config[mechanism];
  return text ? parseCredential(text) : undefined;
}

/** Users with at least one SCRAM credential, and each one's mechanisms and iterations. */
export function listScramUsers(store: SecurityStore): Map<string, Array<{mechanism: ScramMechanism; iterations: number}>> {
  const out = new Map<string, Array<{mechanism: ScramMechanism; iterations: number}>>();
  for (const [node, data] of store.under(USERS)) {
    const user = decodeURIComponent(node.slice(USERS.length + 1));
    const config = (JSON.parse(data) as UserNode).config;
    const creds = SCRAM_MECHANISMS.filter((m) => config[m]).map((m) => ({mechanism: m, iterations: parseCredential(config[m])?.iterations ?? 0}));
    if (creds.length > 0) out.set(user, creds);
  }
  return out;
}

export async function upsertScram(store: SecurityStore, user: string, mechanism: ScramMechanism, credential: ScramCredential): Promise<void> {
  const node = read(store, user);
  node.config[mechanism] = formatCredential(credential);
  await store.set(nodeOf(user), JSON.stringify(node));
}

/** False when the user had no credential for that mechanism. */
export async function deleteScram(store: SecurityStore, user: string, mechanism: ScramMechanism): Promise<boolean> {
  const node = read(store, user);
  if (!(mechanism in node.config)) return false;
  delete node.config[mechanism];
  if (Object.keys(node.config).length === 0) await store.remove(nodeOf(user));
  else await store.set(nodeOf(user), JSON.stringify(node));
  return true;
}
