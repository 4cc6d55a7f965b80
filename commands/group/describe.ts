import {KcollectCommand} from '../../src/cli/base-command.js';
import {groupArg, groupNameFlag, resolveGroup} from '../../src/cli/name-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {describeGroup, type GroupDescription} from '../../src/services/group-service.js';
import {keyValues, section, table} from '../../src/services/text-table.js';

export default class GroupDescribe extends KcollectCommand {
  static override summary = 'Show a consumer group: state, members and their partitions, committed offsets and lag';
  static override description = `LAG is LOG-END minus COMMITTED; for a partition a member owns but the group never committed (COMMITTED "-") it is LOG-END minus LOG-START.`;
  static override examples = ['<%= config.bin %> group describe hbase-drain', '<%= config.bin %> group describe hbase-drain --json'];

  static override args = {group: groupArg};
  static override flags = {...kafkaFlags, group: groupNameFlag};

  async run(): Promise<GroupDescription> {
    const parsed = await this.parse(GroupDescribe);
    const {flags} = parsed;
    const group = resolveGroup(parsed);
    const d = await describeGroup(resolveKafka(flags), group);
    const summary = keyValues([
      ['GROUP', d.group],
      ['STATE', d.state],
      ['PROTOCOL-TYPE', d.protocolType || '-'],
      ['PROTOCOL', d.protocol || '-'],
      ['MEMBERS', d.members.length],
      ['TOTAL-LAG', d.totalLag],
    ]);
    const members = d.members.length
      ? table(
          ['MEMBER-ID', 'CLIENT-ID', 'HOST', 'ASSIGNMENT'],
          d.members.map((m) => [m.memberId, m.clientId, m.host, m.assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' ') || '-']),
        )
      : '(no live members)';
    const offsets = d.offsets.length
      ? table(
          ['TOPIC', 'PARTITION', 'COMMITTED', 'LOG-START', 'LOG-END', 'LAG', 'MEMBER-ID', 'CLIENT-ID', 'HOST'],
          d.offsets.map((o) => [o.topic, o.partition, o.committed, o.logStart, o.logEnd, o.lag, o.memberId, o.clientId, o.host]),
        )
      : '(no committed offsets)';
    this.log([section('SUMMARY', summary), section('MEMBERS', members), section('OFFSETS', offsets)].join('\n\n'));
    return d;
  }
}
