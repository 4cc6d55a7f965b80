import {Args} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {deleteTopic} from '../../src/services/topic-service.js';
import {table} from '../../src/services/text-table.js';

export default class TopicDelete extends KcollectCommand {
  static override summary = 'Delete a topic and its data';
  static override examples = ['<%= config.bin %> topic delete driving-logs'];

  static override args = {name: Args.string({required: true, description: 'topic name'})};
  static override flags = {...kafkaFlags};

  async run(): Promise<{topic: string; deleted: true}> {
    const {args, flags} = await this.parse(TopicDelete);
    const result = await deleteTopic(resolveKafka(flags), args.name);
    this.log(table(['TOPIC', 'STATUS'], [[result.topic, 'OK']]));
    return result;
  }
}
