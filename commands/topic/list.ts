import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {listTopics} from '../../src/services/topic-service.js';
import {table} from '../../src/services/text-table.js';
import type {TopicSummary} from '../../src/client/admin.js';

export default class TopicList extends KcollectCommand {
  static override summary = 'List topics';
  static override aliases = ['topic ls'];
  static override examples = ['<%= config.bin %> topic list', '<%= config.bin %> topic list --exclude-internal --json'];

  static override flags = {
    ...kafkaFlags,
    'exclude-internal': Flags.boolean({default: false, env: 'KCOLLECT_EXCLUDE_INTERNAL', description: "leave out Kafka's internal topics (__consumer_offsets, __transaction_state)"}),
  };

  async run(): Promise<{topics: TopicSummary[]}> {
    const {flags} = await this.parse(TopicList);
    const result = await listTopics(resolveKafka(flags), {excludeInternal: flags['exclude-internal']});
    this.log(table(['TOPIC', 'PARTITIONS', 'REPLICAS'], result.topics.map((t) => [t.name, t.partitions, t.replicationFactor])));
    return result;
  }
}
