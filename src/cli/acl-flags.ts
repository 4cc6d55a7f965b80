import {Flags} from '#oclif';
import type {AclFlags} from '../services/acl-service.js';
import {listValues} from '../services/list-values.js';

/** kafka-acls.sh's resource and principal flags, shared by `acl create|list|delete`. */
export const aclFlags = {
  'allow-principal': Flags.string({multiple: true, env: 'KCOLLECT_ACL_ALLOW_PRINCIPAL', description: 'principal to allow, TYPE:NAME, e.g. User:alice (repeatable)'}),
  'deny-principal': Flags.string({multiple: true, env: 'KCOLLECT_ACL_DENY_PRINCIPAL', description: 'principal to deny, TYPE:NAME (repeatable)'}),
  'allow-host': Flags.string({multiple: true, env: 'KCOLLECT_ACL_ALLOW_HOST', description: 'host the allow applies to (default *)'}),
  'deny-host': Flags.string({multiple: true, env: 'KCOLLECT_ACL_DENY_HOST', description: 'host the deny applies to (default *)'}),
  operation: Flags.string({multiple: true, env: 'KCOLLECT_ACL_OPERATION', description: 'Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All (repeatable)'}),
  topic: Flags.string({multiple: true, env: 'KCOLLECT_ACL_TOPIC', description: 'topic (repeatable; * for all)'}),
  group: Flags.string({multiple: true, env: 'KCOLLECT_ACL_GROUP', description: 'consumer group (repeatable; * for all)'}),
  cluster: Flags.boolean({default: false, env: 'KCOLLECT_ACL_CLUSTER', description: 'the cluster resource'}),
  'transactional-id': Flags.string({multiple: true, env: 'KCOLLECT_ACL_TRANSACTIONAL_ID', description: 'transactional id (repeatable)'}),
  'resource-pattern-type': Flags.string({options: ['literal', 'prefixed', 'any', 'match'], env: 'KCOLLECT_ACL_RESOURCE_PATTERN_TYPE', description: 'literal (default) or prefixed; any and match filter list/delete'}),
};

export function toAclFlags(f: Record<string, unknown>): AclFlags {
  const list = (k: string) => listValues(f[k] as string[] | undefined);
  return {
    allowPrincipal: list('allow-principal'),
    denyPrincipal: list('deny-principal'),
    allowHost: list('allow-host'),
    denyHost: list('deny-host'),
    principal: f.principal as string | undefined,
    operation: list('operation'),
    topic: list('topic'),
    group: list('group'),
    cluster: f.cluster === true,
    transactionalId: list('transactional-id'),
    resourcePatternType: f['resource-pattern-type'] as string | undefined,
  };
}
