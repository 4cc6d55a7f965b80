import {Args} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {deleteGroup} from '../../src/services/group-service.js';
import {table} from '../../src/services/text-table.js';

export default class GroupDelete extends KcollectCommand {
  static override summary = 'Delete a consumer group and its committed offsets';
  static override description = 'The group must be Empty: the broker refuses a group with live members (NON_EMPTY_GROUP).';
  static override examples = ['<%= config.bin %> group delete hbase-drain'];

  static override args = {group: Args.string({required: true, description: 'consumer group id'})};
  static override flags = {...kafkaFlags};

  async run(): Promise<{group: string; deleted: true}> {
    const {args, flags} = await this.parse(GroupDelete);
    const result = await deleteGroup(resolveKafka(flags), args.group);
    this.log(table(['GROUP', 'STATUS'], [[result.group, 'OK']]));
    return result;
  }
}
