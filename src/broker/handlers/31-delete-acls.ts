// DeleteAcls 0-3: needs Alter on the cluster; each filter answers with the ACLs it removed.
import {ErrorCode} from '../../protocol/errors.js';
import {DeleteAcls} from '../../protocol/messages/31-delete-acls.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {aclFilter, securityDisabled} from './acl-requests.js';

export const deleteAclsHandler: Handler = {
  api: DeleteAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, {broker, session, header}) {
    const filters = request.filters as Array<Record<string, any>>;
    const all = (errorCode: number, errorMessage: string) => ({throttleTimeMs: 0, filterResults: filters.map(() => ({errorCode, errorMessage, matchingAcls: []}))});
    if (!broker.options.authorizer?.enabled) return all(ErrorCode.SECURITY_DISABLED, securityDisabled);
    if (!broker.authorize(session, Operation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Alter on the cluster is needed to delete ACLs');
    const filterResults = [];
    for (const f of filters) {
      const removed = await broker.acls.remove(aclFilter(f, header.apiVersion));
      filterResults.push({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: removed.map((b) => ({errorCode: ErrorCode.NONE, errorMessage: null, resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permission})),
      });
    }
    const count = filterResults.reduce((n, r) => n + r.matchingAcls.length, 0);
    if (count > 0) broker.log(`${session.principal} deleted ${count} ACL(s)`);
    return {throttleTimeMs: 0, filterResults};
  },
};
