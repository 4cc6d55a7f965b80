import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {aclFlags, toAclFlags} from '../../src/cli/acl-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {type AclRow, deleteAclsFromFlags} from '../../src/services/acl-service.js';
import {aclTable} from '../../src/services/acl-table.js';

export default class AclDelete extends KcollectCommand {
  static override summary = 'Remove ACLs (kafka-acls.sh --remove)';
  static override description = 'Removes every ACL matching the resource, principal, host and operation given; prints what was removed.';
  static override examples = ['<%= config.bin %> acl delete --allow-principal User:alice --operation Write --topic driving-logs', '<%= config.bin %> acl delete --topic driving-logs'];

  static override flags = {...kafkaFlags, principal: Flags.string({env: 'KCOLLECT_ACL_PRINCIPAL', description: "only this principal's ACLs"}), ...aclFlags};

  async run(): Promise<{deleted: AclRow[]}> {
    const {flags} = await this.parse(AclDelete);
    const deleted = await deleteAclsFromFlags(resolveKafka(flags), toAclFlags(flags));
    this.log(deleted.length === 0 ? 'no matching ACLs' : aclTable(deleted));
    return {deleted};
  }
}
