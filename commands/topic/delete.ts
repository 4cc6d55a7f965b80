import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveTopic, topicNameArg, topicNameFlag} from '../../src/cli/name-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {deleteTopic} from '../../src/services/topic-service.js';
import {table} from '../../src/services/text-table.js';

export default class TopicDelete extends KcollectCommand {
  static override summary = 'Delete a topic and its data';
  static override examples = ['<%= config.bin %> topic delete driving-logs'];

  static override args = {topic: topicNameArg};
  static override flags = {...kafkaFlags, topic: topicNameFlag};

  async run(): Promise<{topic: string; deleted: true}> {
    const parsed = await this.parse(TopicDelete);
    const {flags} = parsed;
    const topic = resolveTopic(parsed, '--topic');
    const result = await deleteTopic(resolveKafka(flags), topic);
    this.log(table(['TOPIC', 'STATUS'], [[result.topic, 'OK']]));
    return result;
  }
}
