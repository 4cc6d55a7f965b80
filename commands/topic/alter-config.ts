import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveTopic, topicNameArg, topicNameFlag} from '../../src/cli/name-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {alterTopicConfig, parseKeyValues, type AbsentTopic} from '../../src/services/topic-service.js';
import {table} from '../../src/services/text-table.js';
import {listValues} from '../../src/services/list-values.js';
import type {AlterConfigResult} from '../../src/client/admin.js';

export default class TopicAlterConfig extends KcollectCommand {
  static override summary = "Set or remove a topic's config overrides";
  static override description = 'Other overrides of the topic are kept: kcollect reads the current ones and writes the full set back (AlterConfigs replaces them all).';
  static override examples = [
    '<%= config.bin %> topic alter-config driving-logs --set retention.ms=3600000',
    '<%= config.bin %> topic alter-config driving-logs --delete retention.ms',
    '<%= config.bin %> topic alter-config driving-logs --set retention.ms=3600000 --if-exists',
  ];

  static override args = {topic: topicNameArg};
  static override flags = {
    ...kafkaFlags,
    topic: topicNameFlag,
    set: Flags.string({char: 's', multiple: true, env: 'KCOLLECT_CONFIG_SET', description: 'override KEY=VALUE (repeatable)'}),
    delete: Flags.string({char: 'd', multiple: true, env: 'KCOLLECT_CONFIG_DELETE', description: 'remove the override KEY, back to the default (repeatable)'}),
    'if-exists': Flags.boolean({default: false, env: 'KCOLLECT_IF_EXISTS', description: 'a missing topic is no error: say so and exit 0 (as kafka-topics.sh --alter --if-exists)'}),
  };

  async run(): Promise<AlterConfigResult | AbsentTopic> {
    const parsed = await this.parse(TopicAlterConfig);
    const {flags} = parsed;
    const topic = resolveTopic(parsed, '--topic');
    const result = await alterTopicConfig(resolveKafka(flags), topic, {
      set: parseKeyValues(listValues(flags.set), '--set'),
      delete: listValues(flags.delete),
    }, {ifExists: flags['if-exists']});
    if (!('changes' in result)) this.log(`topic ${result.topic} does not exist: nothing changed (--if-exists)`);
    else if (result.changes.length === 0) this.log(`topic ${result.topic}: no change`);
    else this.log(table(['KEY', 'OLD', 'NEW'], result.changes.map((c) => [c.key, c.from ?? '(default)', c.to ?? '(default)'])));
    return result;
  }
}
