import {UserError} from '../lib/errors.js';
import {ErrorCode, errorInfo} from '../protocol/errors.js';
import {CreateAcls} from '../protocol/messages/30-create-acls.js';
import {DeleteAcls} from '../protocol/messages/31-delete-acls.js';
import {DescribeAcls} from '../protocol/messages/29-describe-acls.js';
import type {AclBinding, AclFilter} from '../security/acl.js';
import {requestAny} from './topic-config-requests.js';

/** ACLs through CreateAcls/DescribeAcls/DeleteAcls, as kafka-acls.sh --bootstrap-server does. */

function refused(what: string, errorCode: number, message: string | null): UserError {
  const {name} = errorInfo(errorCode);
  const hint =
    name === 'SECURITY_DISABLED' ? 'start the broker with authorizer.class.name=kafka.security.authorizer.AclAuthorizer' : name === 'CLUSTER_AUTHORIZATION_FAILED' ? 'ACLs are managed by super users or principals with Alter (Describe to list) on the cluster' : undefined;
  return new UserError(`${what}: ${name} (${errorCode})${message ? `: ${message}` : ''}`, hint);
}

const filterFields = (f: AclFilter) => ({
  resourceTypeFilter: f.resourceType,
  resourceNameFilter: f.resourceName,
  patternTypeFilter: f.patternType,
  principalFilter: f.principal,
  hostFilter: f.host,
  operation: f.operation,
  permissionType: f.permission,
});

export async function createAcls(brokers: string[], bindings: AclBinding[]): Promise<void> {
  const res = await requestAny(brokers, CreateAcls, [1, 3], {
    creations: bindings.map((b) => ({resourceType: b.resourceType, resourceName: b.resourceName, resourcePatternType: b.patternType, principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permission})),
  });
  const failed = (res.results as Array<{errorCode: number; errorMessage: string | null}>).find((r) => r.errorCode !== ErrorCode.NONE);
  if (failed) throw refused('creating ACLs', failed.errorCode, failed.errorMessage);
}

export async function describeAcls(brokers: string[], filter: AclFilter): Promise<AclBinding[]> {
  const res = await requestAny(brokers, DescribeAcls, [1, 3], filterFields(filter));
  if (res.errorCode !== ErrorCode.NONE) throw refused('listing ACLs', res.errorCode, res.errorMessage);
  return (res.resources as Array<any>).flatMap((r) =>
    (r.acls as Array<any>).map((a) => ({resourceType: r.resourceType, resourceName: r.resourceName, patternType: r.patternType, principal: a.principal, host: a.host, operation: a.operation, permission: a.permissionType})),
  );
}

export async function deleteAcls(brokers: string[], filters: AclFilter[]): Promise<AclBinding[]> {
  const res = await requestAny(brokers, DeleteAcls, [1, 3], {filters: filters.map(filterFields)});
  const out: AclBinding[] = [];
  for (const r of res.filterResults as Array<any>) {
    if (r.errorCode !== ErrorCode.NONE) throw refused('deleting ACLs', r.errorCode, r.errorMessage);
    for (const m of r.matchingAcls) out.push({resourceType: m.resourceType, resourceName: m.resourceName, patternType: m.patternType, principal: m.principal, host: m.host, operation: m.operation, permission: m.permissionType});
  }
  return out;
}
