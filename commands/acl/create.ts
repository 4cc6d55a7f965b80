import {KcollectCommand} from '../../src/cli/base-command.js';
import {aclFlags, toAclFlags} from '../../src/cli/acl-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {type AclRow, createAclsFromFlags} from '../../src/services/acl-service.js';
import {aclTable} from '../../src/services/acl-table.js';

export default class AclCreate extends KcollectCommand {
  static override summary = 'Add ACLs (kafka-acls.sh --add)';
  static override description = 'Every --allow-principal/--deny-principal x host x --operation x resource becomes one ACL. Needs a broker with authorizer.class.name=kafka.security.authorizer.AclAuthorizer.';
  static override examples = [
    '<%= config.bin %> acl create --allow-principal User:alice --operation Write --topic driving-logs',
    '<%= config.bin %> acl create --allow-principal User:drain --operation Read --topic car- --resource-pattern-type prefixed --group drain',
  ];

  static override flags = {...kafkaFlags, ...aclFlags};

  async run(): Promise<{created: AclRow[]}> {
    const {flags} = await this.parse(AclCreate);
    const created = await createAclsFromFlags(resolveKafka(flags), toAclFlags(flags));
    this.log(aclTable(created));
    return {created};
  }
}
