import {type AclBinding, type AclFilter, matchesFilter, OPERATION_NAMES, PatternType, PERMISSION_NAMES, RESOURCE_NAMES} from './acl.js';
import type {SecurityStore} from './security-store.js';

/**
 * ACLs in Kafka 2.x's ZooKeeper layout: literal patterns under /kafka-acl/<Type>/<name>,
 * prefixed ones under /kafka-acl-extended/prefixed/<Type>/<name>, each node holding
 * {"version":1,"acls":[{principal, permissionType, operation, host}]}.
 */
const LITERAL_ROOT = '/kafka-acl';
const PREFIXED_ROOT = '/kafka-acl-extended/prefixed';

interface StoredAcl {
  principal: string;
  permissionType: string;
  operation: string;
  host: string;
}

const codeOf = (names: Record<number, string>, name: string): number => Number(Object.entries(names).find(([, n]) => n === name)?.[0] ?? 0);
const nodeOf = (b: {resourceType: number; resourceName: string; patternType: number}): string =>
  `${b.patternType === PatternType.PREFIXED ? PREFIXED_ROOT : LITERAL_ROOT}/${RESOURCE_NAMES[b.resourceType]}/${b.resourceName}`;

export class AclStore {
  /** Parsed once per store change: every request of every connection consults it. */
  private cache?: {generation: number; acls: AclBinding[]};

  constructor(private readonly store: SecurityStore) {}

  all(): AclBinding[] {
    if (this.cache?.generation === this.store.generation) return this.cache.acls;
    const nodes = [...this.store.under(LITERAL_ROOT), ...this.store.under(PREFIXED_ROOT)];
    const acls: AclBinding[] = [];
    for (const [node, data] of nodes) {
      const prefixed = node.startsWith(`${PREFIXED_ROOT}/`);
      const rest = node.slice((prefixed ? PREFIXED_ROOT : LITERAL_ROOT).length + 1);
      const slash = rest.indexOf('/');
      const resourceType = codeOf(RESOURCE_NAMES, rest.slice(0, slash));
      if (!resourceType) continue;
      for (const a of (JSON.parse(data) as {acls: StoredAcl[]}).acls) {
        acls.push({
          resourceType,
          resourceName: rest.slice(slash + 1),
          patternType: prefixed ? PatternType.PREFIXED : PatternType.LITERAL,
          principal: a.principal,
          host: a.host,
          operation: codeOf(OPERATION_NAMES, a.operation),
          permission: codeOf(PERMISSION_NAMES, a.permissionType),
        });
      }
    }
    this.cache = {generation: this.store.generation, acls};
    return acls;
  }

  async add(bindings: AclBinding[]): Promise<void> {
    const byNode = new Map<string, AclBinding[]>();
    for (const b of bindings) byNode.set(nodeOf(b), [...(byNode.get(nodeOf(b)) ?? []), b]);
    const existing = this.all();
    for (const [node, added] of byNode) {
      const kept = existing.filter((e) => nodeOf(e) === node);
      const fresh = added.filter((a) => !kept.some((k) => same(k, a)));
      if (fresh.length > 0) await this.write(node, [...kept, ...fresh]);
    }
  }

  /** Removes every binding matching the filter; returns them. */
  async remove(filter: AclFilter): Promise<AclBinding[]> {
    const existing = this.all();
    const removed = existing.filter((b) => matchesFilter(b, filter));
    for (const node of new Set(removed.map(nodeOf))) {
      const kept = existing.filter((e) => nodeOf(e) === node && !removed.includes(e));
      if (kept.length === 0) await this.store.remove(node);
      else await this.write(node, kept);
    }
    return removed;
  }

  private write(node: string, acls: AclBinding[]): Promise<void> {
    const stored: StoredAcl[] = acls.map((a) => ({principal: a.principal, permissionType: PERMISSION_NAMES[a.permission], operation: OPERATION_NAMES[a.operation], host: a.host}));
    return this.store.set(node, JSON.stringify({version: 1, acls: stored}));
  }
}

function same(a: AclBinding, b: AclBinding): boolean {
  return a.principal === b.principal && a.host === b.host && a.operation === b.operation && a.permission === b.permission;
}
