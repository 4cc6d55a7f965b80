// DescribeAcls 0-3: needs Describe on the cluster; without an authorizer, SECURITY_DISABLED.
import {ErrorCode} from '../../protocol/errors.js';
import {DescribeAcls} from '../../protocol/messages/29-describe-acls.js';
import {type AclBinding, CLUSTER_NAME, matchesFilter, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {aclFilter, securityDisabled} from './acl-requests.js';

export const describeAclsHandler: Handler = {
  api: DescribeAcls,
  minVersion: 0,
  maxVersion: 3,
  handle(request, {broker, session, header}) {
    const fail = (errorCode: number, errorMessage: string) => ({throttleTimeMs: 0, errorCode, errorMessage, resources: []});
    if (!broker.options.authorizer?.enabled) return fail(ErrorCode.SECURITY_DISABLED, securityDisabled);
    if (!broker.authorize(session, Operation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Describe on the cluster is needed to list ACLs');
    const filter = aclFilter(request, header.apiVersion);
    const groups = new Map<string, {resourceType: number; resourceName: string; patternType: number; acls: AclBinding[]}>();
    for (const b of broker.acls.all().filter((a) => matchesFilter(a, filter))) {
      const key = `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`;
      const g = groups.get(key) ?? {resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: []};
      g.acls.push(b);
      groups.set(key, g);
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      resources: [...groups.values()].map((g) => ({...g, acls: g.acls.map((a) => ({principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permission}))})),
    };
  },
};
