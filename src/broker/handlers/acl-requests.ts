import type {Message} from '../../protocol/codec.js';
import {type AclFilter, PatternType} from '../../security/acl.js';

export const securityDisabled = 'No Authorizer is configured on the broker (set authorizer.class.name=kafka.security.authorizer.AclAuthorizer)';

/** The filter fields of DescribeAcls and of each DeleteAcls filter; v0 has no pattern type (LITERAL). */
export function aclFilter(m: Message, version: number): AclFilter {
  return {
    resourceType: m.resourceTypeFilter,
    resourceName: m.resourceNameFilter,
    patternType: version >= 1 ? m.patternTypeFilter : PatternType.LITERAL,
    principal: m.principalFilter,
    host: m.hostFilter,
    operation: m.operation,
    permission: m.permissionType,
  };
}
