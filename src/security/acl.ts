/**
 * Kafka's ACL model (AclBinding): a resource pattern (type, name, LITERAL or PREFIXED) and an
 * entry (principal, host, operation, ALLOW or DENY). Codes as on the wire (ResourceType.java,
 * PatternType.java, AclOperation.java, AclPermissionType.java); names as in ZooKeeper's JSON.
 */

export const ResourceType = {ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5} as const;
export const PatternType = {ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4} as const;
export const Operation = {
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const;
export const Permission = {ANY: 1, DENY: 2, ALLOW: 3} as const;

/** ZooKeeper's and kafka-acls.sh's names. */
export const RESOURCE_NAMES: Record<number, string> = {2: 'Topic', 3: 'Group', 4: 'Cluster', 5: 'TransactionalId'};
export const OPERATION_NAMES: Record<number, string> = {
  2: 'All',
  3: 'Read',
  4: 'Write',
  5: 'Create',
  6: 'Delete',
  7: 'Alter',
  8: 'Describe',
  9: 'ClusterAction',
  10: 'DescribeConfigs',
  11: 'AlterConfigs',
  12: 'IdempotentWrite',
};
export const PERMISSION_NAMES: Record<number, string> = {2: 'Deny', 3: 'Allow'};
export const PATTERN_NAMES: Record<number, string> = {3: 'LITERAL', 4: 'PREFIXED'};

export const CLUSTER_NAME = 'kafka-cluster';
export const WILDCARD = '*';

export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permission: number;
}

/** A DescribeAcls/DeleteAcls filter: null names and ANY codes match everything. */
export interface AclFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permission: number;
}

/** Why a binding cannot be stored, or undefined when it can (Kafka's CreateAcls validation). */
export function invalidBinding(b: AclBinding): string | undefined {
  if (!RESOURCE_NAMES[b.resourceType]) return `resource type ${b.resourceType} is not one of Topic, Group, Cluster, TransactionalId`;
  if (!PATTERN_NAMES[b.patternType]) return `pattern type ${b.patternType} is not LITERAL or PREFIXED`;
  if (!OPERATION_NAMES[b.operation]) return `operation ${b.operation} is not a concrete operation`;
  if (!PERMISSION_NAMES[b.permission]) return `permission ${b.permission} is not ALLOW or DENY`;
  if (b.resourceName === '') return 'the resource name is empty';
  if (b.resourceType === ResourceType.CLUSTER && (b.resourceName !== CLUSTER_NAME || b.patternType !== PatternType.LITERAL)) return `the cluster resource is named ${CLUSTER_NAME} (LITERAL)`;
  if (!/^[^:]+:.+$/.test(b.principal)) return `principal "${b.principal}" is not TYPE:NAME (e.g. User:alice)`;
  if (b.host === '') return 'the host is empty (use * for any host)';
  return undefined;
}

/** Whether a stored binding matches a filter, as Kafka's AclBindingFilter.matches does. */
export function matchesFilter(b: AclBinding, f: AclFilter): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (f.operation !== Operation.ANY && f.operation !== b.operation) return false;
  if (f.permission !== Permission.ANY && f.permission !== b.permission) return false;
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.patternType === PatternType.MATCH) {
    // MATCH: every binding that would apply to the named resource (literal, wildcard, prefixes).
    return f.resourceName === null || b.resourceName === WILDCARD || (b.patternType === PatternType.LITERAL ? b.resourceName === f.resourceName : f.resourceName.startsWith(b.resourceName));
  }
  if (f.patternType !== PatternType.ANY && f.patternType !== b.patternType) return false;
  return f.resourceName === null || f.resourceName === b.resourceName;
}

/** Operations whose ALLOW also allows DESCRIBE (and ALTER_CONFIGS allows DESCRIBE_CONFIGS), as Kafka. */
const IMPLIES: Record<number, number[]> = {
  [Operation.DESCRIBE]: [Operation.READ, Operation.WRITE, Operation.DELETE, Operation.ALTER],
  [Operation.DESCRIBE_CONFIGS]: [Operation.ALTER_CONFIGS],
};

export interface AuthorizerConfig {
  superUsers: string[];
  allowEveryoneIfNoAclFound: boolean;
}

/**
 * Kafka's AclAuthorizer decision: super users may do anything; DENY beats ALLOW; with no ACL on a
 * resource at all, allow.everyone.if.no.acl.found decides.
 */
export function authorize(acls: readonly AclBinding[], config: AuthorizerConfig, principal: string, host: string, operation: number, resourceType: number, name: string): boolean {
  if (config.superUsers.includes(principal)) return true;
  const onResource = acls.filter((b) => b.resourceType === resourceType && appliesTo(b, name));
  if (onResource.length === 0) return config.allowEveryoneIfNoAclFound;
  const mine = onResource.filter((b) => (b.principal === principal || b.principal === 'User:*') && (b.host === WILDCARD || b.host === host));
  const covers = (b: AclBinding, op: number) => b.operation === Operation.ALL || b.operation === op;
  if (mine.some((b) => b.permission === Permission.DENY && covers(b, operation))) return false;
  const allowed = [operation, ...(IMPLIES[operation] ?? [])];
  return mine.some((b) => b.permission === Permission.ALLOW && allowed.some((op) => covers(b, op)));
}

function appliesTo(b: AclBinding, name: string): boolean {
  if (b.patternType === PatternType.PREFIXED) return name.startsWith(b.resourceName);
  return b.resourceName === WILDCARD || b.resourceName === name;
}
