import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveTopic, topicNameArg, topicNameFlag} from '../../src/cli/name-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {createTopic, parseKeyValues, parseReplicaAssignment, type CreateTopicResult} from '../../src/services/topic-service.js';
import {table} from '../../src/services/text-table.js';
import {listValues} from '../../src/services/list-values.js';

export default class TopicCreate extends KcollectCommand {
  static override summary = 'Create a topic';
  static override examples = [
    '<%= config.bin %> topic create driving-logs --partitions 6',
    '<%= config.bin %> topic create car-status -p 3 -c retention.ms=86400000 -c max.message.bytes=2097152',
    '<%= config.bin %> topic create driving-logs --replica-assignment 1:2:3,2:3:1',
    '<%= config.bin %> topic create driving-logs -p 6 --if-not-exists',
  ];

  static override args = {topic: topicNameArg};

  static override flags = {
    ...kafkaFlags,
    topic: topicNameFlag,
    partitions: Flags.integer({char: 'p', min: 1, env: 'KCOLLECT_PARTITIONS', description: "number of partitions (default: the broker's num.partitions)"}),
    'replication-factor': Flags.integer({char: 'r', min: 1, env: 'KCOLLECT_REPLICATION_FACTOR', description: "replicas per partition (default: the broker's default)"}),
    'replica-assignment': Flags.string({
      exclusive: ['partitions', 'replication-factor'],
      env: 'KCOLLECT_REPLICA_ASSIGNMENT',
      description: "each partition's replicas, as kafka-topics.sh: partitions separated by \",\", broker ids by \":\", the first the preferred leader, e.g. 1:2:3,2:3:1 (instead of --partitions and --replication-factor)",
    }),
    'if-not-exists': Flags.boolean({
      default: false,
      env: 'KCOLLECT_IF_NOT_EXISTS',
      description: 'an existing topic is no error: say so (its partitions and replicas as they are) and exit 0, as kafka-topics.sh --create --if-not-exists',
    }),
    config: Flags.string({char: 'c', multiple: true, env: 'KCOLLECT_TOPIC_CONFIG', description: 'topic config KEY=VALUE (repeatable; comma-separated in the env var), e.g. retention.ms=86400000'}),
  };

  async run(): Promise<CreateTopicResult> {
    const parsed = await this.parse(TopicCreate);
    const {flags} = parsed;
    const topic = resolveTopic(parsed, '--topic');
    const result = await createTopic(resolveKafka(flags), {
      name: topic,
      partitions: flags.partitions,
      replicationFactor: flags['replication-factor'],
      replicaAssignment: flags['replica-assignment'] === undefined ? undefined : parseReplicaAssignment(flags['replica-assignment']),
      configs: parseKeyValues(listValues(flags.config), '--config'),
    }, flags['if-not-exists']);
    this.log(table(['TOPIC', 'PARTITIONS', 'REPLICAS', 'STATUS'], [[result.topic, result.partitions, result.replicationFactor, result.created ? 'OK' : 'EXISTS']]));
    return result;
  }
}
