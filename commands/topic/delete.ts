import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveTopic, topicNameArg, topicNameFlag} from '../../src/cli/name-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {deleteTopic} from '../../src/services/topic-service.js';
import {table} from '../../src/services/text-table.js';

export default class TopicDelete extends KcollectCommand {
  static override summary = 'Delete a topic and its data';
  static override examples = ['<%= config.bin %> topic delete driving-logs', '<%= config.bin %> topic delete driving-logs --if-exists'];

  static override args = {topic: topicNameArg};
  static override flags = {
    ...kafkaFlags,
    topic: topicNameFlag,
    'if-exists': Flags.boolean({default: false, env: 'KCOLLECT_IF_EXISTS', description: 'a missing topic is no error: say so and exit 0 (as kafka-topics.sh --delete --if-exists)'}),
  };

  async run(): Promise<{topic: string; deleted: boolean}> {
    const parsed = await this.parse(TopicDelete);
    const {flags} = parsed;
    const topic = resolveTopic(parsed, '--topic');
    const result = await deleteTopic(resolveKafka(flags), topic, {ifExists: flags['if-exists']});
    this.log(table(['TOPIC', 'STATUS'], [[result.topic, result.deleted ? 'OK' : 'DOES-NOT-EXIST']]));
    return result;
  }
}
