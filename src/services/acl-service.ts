import {createAcls, deleteAcls, describeAcls} from '../client/acl-requests.js';
import {UserError} from '../lib/errors.js';
import {type AclBinding, type AclFilter, CLUSTER_NAME, Operation, OPERATION_NAMES, PATTERN_NAMES, PatternType, Permission, PERMISSION_NAMES, RESOURCE_NAMES, ResourceType} from '../security/acl.js';

/** kafka-acls.sh's flags, as the acl commands take them. */
export interface AclFlags {
  allowPrincipal: string[];
  denyPrincipal: string[];
  allowHost: string[];
  denyHost: string[];
  /** --principal: list/delete only this principal's ACLs. */
  principal?: string;
  operation: string[];
  topic: string[];
  group: string[];
  cluster: boolean;
  transactionalId: string[];
  resourcePatternType?: string;
}

/** An ACL as the commands print it (kafka-acls.sh's words). */
export interface AclRow {
  resourceType: string;
  name: string;
  patternType: string;
  principal: string;
  host: string;
  operation: string;
  permission: string;
}

const PATTERN_FLAG: Record<string, number> = {literal: PatternType.LITERAL, prefixed: PatternType.PREFIXED, any: PatternType.ANY, match: PatternType.MATCH};

function operations(names: string[], fallback: number[]): number[] {
  if (names.length === 0) return fallback;
  return names.map((n) => {
    const code = Object.entries(OPERATION_NAMES).find(([, name]) => name.toLowerCase() === n.toLowerCase())?.[0];
    if (!code) throw new UserError(`--operation ${n} is not a Kafka ACL operation`, `use one of ${Object.values(OPERATION_NAMES).join(', ')}`);
    return Number(code);
  });
}

function principalOk(p: string, flag: string): string {
  if (!/^[^:]+:.+$/.test(p)) throw new UserError(`${flag} ${p} is not TYPE:NAME`, `write e.g. ${flag} User:alice`);
  return p;
}

function resources(f: AclFlags): Array<{resourceType: number; resourceName: string}> {
  return [
    ...f.topic.map((resourceName) => ({resourceType: ResourceType.TOPIC, resourceName})),
    ...f.group.map((resourceName) => ({resourceType: ResourceType.GROUP, resourceName})),
    ...f.transactionalId.map((resourceName) => ({resourceType: ResourceType.TRANSACTIONAL_ID, resourceName})),
    ...(f.cluster ? [{resourceType: ResourceType.CLUSTER, resourceName: CLUSTER_NAME}] : []),
  ];
}

function patternType(f: AclFlags, allowed: string[]): number {
  const name = (f.resourcePatternType ?? 'literal').toLowerCase();
  if (!allowed.includes(name)) throw new UserError(`--resource-pattern-type ${f.resourcePatternType} is not allowed here`, `use ${allowed.join(' or ')}`);
  return PATTERN_FLAG[name];
}

/** --add: every allow/deny principal x host x operation x resource becomes one ACL. */
export function bindingsToCreate(f: AclFlags): AclBinding[] {
  const targets = resources(f);
  if (targets.length === 0) throw new UserError('no resource given', 'name one with --topic, --group, --cluster or --transactional-id');
  if (f.allowPrincipal.length + f.denyPrincipal.length === 0) throw new UserError('no principal given', 'pass --allow-principal User:NAME or --deny-principal User:NAME');
  if (f.operation.length === 0) throw new UserError('no operation given', `pass --operation (${Object.values(OPERATION_NAMES).join(', ')})`);
  const pattern = patternType(f, ['literal', 'prefixed']);
  const ops = operations(f.operation, []);
  const out: AclBinding[] = [];
  for (const [permission, principals, hosts] of [
    [Permission.ALLOW, f.allowPrincipal, f.allowHost],
    [Permission.DENY, f.denyPrincipal, f.denyHost],
  ] as const) {
    for (const principal of principals) {
      for (const host of hosts.length > 0 ? hosts : ['*']) {
        for (const r of targets) {
          for (const operation of ops) out.push({...r, patternType: r.resourceType === ResourceType.CLUSTER ? PatternType.LITERAL : pattern, principal: principalOk(principal, permission === Permission.ALLOW ? '--allow-principal' : '--deny-principal'), host, operation, permission});
        }
      }
    }
  }
  return out;
}

/** --list/--remove: one filter per resource (or all resources), narrowed by principal, host and operation. */
export function filtersOf(f: AclFlags): AclFilter[] {
  const targets = resources(f);
  const pattern = targets.length === 0 ? PatternType.ANY : patternType(f, ['literal', 'prefixed', 'any', 'match']);
  const base = targets.length > 0 ? targets : [{resourceType: ResourceType.ANY, resourceName: null as string | null}];
  const principals: Array<[number, string | null]> = [
    ...f.allowPrincipal.map((p): [number, string] => [Permission.ALLOW, principalOk(p, '--allow-principal')]),
    ...f.denyPrincipal.map((p): [number, string] => [Permission.DENY, principalOk(p, '--deny-principal')]),
  ];
  if (principals.length === 0) principals.push([Permission.ANY, f.principal ? principalOk(f.principal, '--principal') : null]);
  const hosts = [...f.allowHost, ...f.denyHost];
  const filters: AclFilter[] = [];
  for (const r of base) {
    for (const [permission, principal] of principals) {
      for (const operation of operations(f.operation, [Operation.ANY])) {
        for (const host of hosts.length > 0 ? hosts : [null]) filters.push({resourceType: r.resourceType, resourceName: r.resourceName, patternType: r.resourceType === ResourceType.CLUSTER ? PatternType.LITERAL : pattern, principal, host, operation, permission});
      }
    }
  }
  return filters;
}

export function toRow(b: AclBinding): AclRow {
  return {
    resourceType: RESOURCE_NAMES[b.resourceType] ?? String(b.resourceType),
    name: b.resourceName,
    patternType: PATTERN_NAMES[b.patternType] ?? String(b.patternType),
    principal: b.principal,
    host: b.host,
    operation: OPERATION_NAMES[b.operation] ?? String(b.operation),
    permission: PERMISSION_NAMES[b.permission] ?? String(b.permission),
  };
}

export async function createAclsFromFlags(brokers: string[], f: AclFlags): Promise<AclRow[]> {
  const bindings = bindingsToCreate(f);
  await createAcls(brokers, bindings);
  return bindings.map(toRow);
}

export async function listAcls(brokers: string[], f: AclFlags): Promise<AclRow[]> {
  const seen = new Map<string, AclRow>();
  for (const filter of filtersOf(f)) for (const b of await describeAcls(brokers, filter)) seen.set(JSON.stringify(b), toRow(b));
  return [...seen.values()];
}

export async function deleteAclsFromFlags(brokers: string[], f: AclFlags): Promise<AclRow[]> {
  if (resources(f).length === 0 && !f.principal && f.allowPrincipal.length + f.denyPrincipal.length === 0) {
    throw new UserError('refusing to delete every ACL of the cluster', 'name a resource (--topic, --group, --cluster, --transactional-id) or a principal');
  }
  return (await deleteAcls(brokers, filtersOf(f))).map(toRow);
}
