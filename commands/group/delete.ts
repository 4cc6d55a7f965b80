import {KcollectCommand} from '../../src/cli/base-command.js';
import {groupArg, groupNameFlag, resolveGroup} from '../../src/cli/name-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {deleteGroup} from '../../src/services/group-service.js';
import {table} from '../../src/services/text-table.js';

export default class GroupDelete extends KcollectCommand {
  static override summary = 'Delete a consumer group and its committed offsets';
  static override description = 'The group must be Empty: the broker refuses a group with live members (NON_EMPTY_GROUP).';
  static override examples = ['<%= config.bin %> group delete hbase-drain'];

  static override args = {group: groupArg};
  static override flags = {...kafkaFlags, group: groupNameFlag};

  async run(): Promise<{group: string; deleted: true}> {
    const parsed = await this.parse(GroupDelete);
    const {flags} = parsed;
    const group = resolveGroup(parsed);
    const result = await deleteGroup(resolveKafka(flags), group);
    this.log(table(['GROUP', 'STATUS'], [[result.group, 'OK']]));
    return result;
  }
}
