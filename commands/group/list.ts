import {KcollectCommand} from '../../src/cli/base-command.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {listGroups, type GroupSummary} from '../../src/services/group-service.js';
import {table} from '../../src/services/text-table.js';

export default class GroupList extends KcollectCommand {
  static override summary = 'List consumer groups with their state and number of members';
  static override aliases = ['group ls'];
  static override examples = ['<%= config.bin %> group list', '<%= config.bin %> group list --json'];

  static override flags = {...kafkaFlags};

  async run(): Promise<{groups: GroupSummary[]}> {
    const {flags} = await this.parse(GroupList);
    const result = await listGroups(resolveKafka(flags));
    this.log(table(['GROUP', 'STATE', 'MEMBERS', 'PROTOCOL-TYPE'], result.groups.map((g) => [g.group, g.state, g.members, g.protocolType || '-'])));
    return result;
  }
}
