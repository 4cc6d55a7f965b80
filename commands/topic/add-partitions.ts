import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveTopic, topicNameArg, topicNameFlag} from '../../src/cli/name-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {addPartitions} from '../../src/services/topic-service.js';
import {table} from '../../src/services/text-table.js';

export default class TopicAddPartitions extends KcollectCommand {
  static override summary = 'Grow a topic to a new total number of partitions';
  static override description = 'Kafka cannot remove partitions. Keys hash to partitions by count, so adding partitions moves where new records of a key land.';
  static override examples = ['<%= config.bin %> topic add-partitions driving-logs --total 12', '<%= config.bin %> topic add-partitions --topic driving-logs --partitions 12'];

  static override args = {topic: topicNameArg};
  static override flags = {
    ...kafkaFlags,
    topic: topicNameFlag,
    total: Flags.integer({
      char: 't',
      // kafka-topics.sh --alter --partitions N: N is the new total too.
      aliases: ['partitions'],
      required: true,
      min: 1,
      env: 'KCOLLECT_PARTITIONS_TOTAL',
      description: 'the new total number of partitions (or --partitions N, as kafka-topics.sh --alter says it)',
    }),
  };

  async run(): Promise<{topic: string; before: number; after: number}> {
    const parsed = await this.parse(TopicAddPartitions);
    const {flags} = parsed;
    const topic = resolveTopic(parsed, '--topic');
    const result = await addPartitions(resolveKafka(flags), topic, flags.total);
    this.log(table(['TOPIC', 'PARTITIONS-BEFORE', 'PARTITIONS-AFTER', 'STATUS'], [[result.topic, result.before, result.after, 'OK']]));
    return result;
  }
}
