import type {AclRow} from './acl-service.js';
import {table} from './text-table.js';

export function aclTable(rows: AclRow[]): string {
  return table(['RESOURCE', 'NAME', 'PATTERN', 'PRINCIPAL', 'HOST', 'OPERATION', 'PERMISSION'], rows.map((r) => [r.resourceType, r.name, r.patternType, r.principal, r.host, r.operation, r.permission]));
}
