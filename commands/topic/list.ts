import {KcollectCommand} from '../../src/cli/base-command.js';
import {brokersFlag, resolveBrokers} from '../../src/cli/flags.js';
import {listTopics} from '../../src/services/topic-service.js';
import {table} from '../../src/services/text-table.js';
import type {TopicSummary} from '../../src/client/admin.js';

export default class TopicList extends KcollectCommand {
  static override summary = 'List topics';
  static override aliases = ['topic ls'];
  static override examples = ['<%= config.bin %> topic list', '<%= config.bin %> topic list --json'];

  static override flags = {brokers: brokersFlag};

  async run(): Promise<{topics: TopicSummary[]}> {
    const {flags} = await this.parse(TopicList);
    const result = await listTopics(resolveBrokers(flags.brokers));
    this.log(table(['TOPIC', 'PARTITIONS', 'REPLICAS'], result.topics.map((t) => [t.name, t.partitions, t.replicationFactor])));
    return result;
  }
}
