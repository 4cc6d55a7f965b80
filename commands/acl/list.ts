import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {aclFlags, toAclFlags} from '../../src/cli/acl-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {type AclRow, listAcls} from '../../src/services/acl-service.js';
import {aclTable} from '../../src/services/acl-table.js';

export default class AclList extends KcollectCommand {
  static override summary = 'List ACLs (kafka-acls.sh --list)';
  static override examples = ['<%= config.bin %> acl list', '<%= config.bin %> acl list --topic driving-logs --resource-pattern-type match', '<%= config.bin %> acl list --principal User:alice'];

  static override flags = {...kafkaFlags, principal: Flags.string({env: 'KCOLLECT_ACL_PRINCIPAL', description: "only this principal's ACLs"}), ...aclFlags};

  async run(): Promise<{acls: AclRow[]}> {
    const {flags} = await this.parse(AclList);
    const acls = await listAcls(resolveKafka(flags), toAclFlags(flags));
    this.log(aclTable(acls));
    return {acls};
  }
}
