// CreateAcls 0-3: needs Alter on the cluster; each creation is validated on its own.
import {ErrorCode} from '../../protocol/errors.js';
import {CreateAcls} from '../../protocol/messages/30-create-acls.js';
import {type AclBinding, CLUSTER_NAME, invalidBinding, Operation, PatternType, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {securityDisabled} from './acl-requests.js';

export const createAclsHandler: Handler = {
  api: CreateAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, {broker, session, header}) {
    const creations = request.creations as Array<Record<string, any>>;
    const all = (errorCode: number, errorMessage: string) => ({throttleTimeMs: 0, results: creations.map(() => ({errorCode, errorMessage}))});
    if (!broker.options.authorizer?.enabled) return all(ErrorCode.SECURITY_DISABLED, securityDisabled);
    if (!broker.authorize(session, Operation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Alter on the cluster is needed to create ACLs');
    const results = [];
    const valid: AclBinding[] = [];
    for (const c of creations) {
      const binding: AclBinding = {
        resourceType: c.resourceType,
        resourceName: c.resourceName,
        patternType: header.apiVersion >= 1 ? c.resourcePatternType : PatternType.LITERAL,
        principal: c.principal,
        host: c.host,
        operation: c.operation,
        permission: c.permissionType,
      };
      const problem = invalidBinding(binding);
      if (problem) results.push({errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem});
      else {
        valid.push(binding);
        results.push({errorCode: ErrorCode.NONE, errorMessage: null});
      }
    }
    await broker.acls.add(valid);
    if (valid.length > 0) broker.log(`${session.principal} created ${valid.length} ACL(s)`);
    return {throttleTimeMs: 0, results};
  },
};
