import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveOptionalTopic, topicNameArg, topicNameFlag} from '../../src/cli/name-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {describeTopics} from '../../src/services/topic-service.js';
import {keyValues, section, table} from '../../src/services/text-table.js';
import type {PartitionDescription, TopicDescription} from '../../src/client/admin.js';

const list = (ids: number[]) => `[${ids.join(' ')}]`;

// As kafka-topics.sh shows a partition whose replicas are all down; it has no offsets to ask for.
const partitionRow = (p: PartitionDescription) =>
  p.leader < 0 ? [p.partition, 'none', list(p.replicas), list(p.isr), '-', '-'] : [p.partition, p.leader, list(p.replicas), list(p.isr), p.logStartOffset, p.highWatermark];

function render(d: TopicDescription): string {
  const summary = keyValues([
    ['TOPIC', d.name],
    ['PARTITIONS', d.partitions.length],
    ['REPLICAS', d.replicationFactor],
    ['INTERNAL', String(d.internal)],
  ]);
  const partitions = table(['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOG-START', 'HIGH-WATERMARK'], d.partitions.map(partitionRow));
  const configs = table(['KEY', 'VALUE', 'SOURCE'], d.configs.map((c) => [c.key, c.sensitive ? '(sensitive)' : c.value ?? '', c.source]));
  return [section('SUMMARY', summary), section('PARTITIONS', partitions), section('CONFIGS', configs)].join('\n\n');
}

export default class TopicDescribe extends KcollectCommand {
  static override summary = 'Show topics: partitions (leader, replicas, ISR, offsets) and configs';
  static override description = `With no topic named, every topic, as kafka-topics.sh --describe.

--under-replicated-partitions and --unavailable-partitions print only the partitions
they match, one line each, and nothing at all when none does (as kafka-topics.sh):
a health check can test for empty output.`;
  static override examples = [
    '<%= config.bin %> topic describe driving-logs',
    '<%= config.bin %> topic describe driving-logs --json',
    '<%= config.bin %> topic describe --exclude-internal',
    '<%= config.bin %> topic describe --under-replicated-partitions',
  ];

  static override args = {topic: topicNameArg};
  static override flags = {
    ...kafkaFlags,
    topic: topicNameFlag,
    'exclude-internal': Flags.boolean({default: false, env: 'KCOLLECT_EXCLUDE_INTERNAL', description: "with no topic named, leave out Kafka's internal topics (__consumer_offsets, __transaction_state)"}),
    'under-replicated-partitions': Flags.boolean({
      default: false,
      exclusive: ['unavailable-partitions'],
      env: 'KCOLLECT_UNDER_REPLICATED_PARTITIONS',
      description: 'only partitions with fewer in-sync replicas than replicas',
    }),
    'unavailable-partitions': Flags.boolean({default: false, env: 'KCOLLECT_UNAVAILABLE_PARTITIONS', description: 'only partitions without a leader (none, or not a live broker)'}),
  };

  async run(): Promise<TopicDescription | {topics: TopicDescription[]}> {
    const parsed = await this.parse(TopicDescribe);
    const {flags} = parsed;
    const name = resolveOptionalTopic(parsed, '--topic');
    const filter = flags['under-replicated-partitions'] ? 'under-replicated' : flags['unavailable-partitions'] ? 'unavailable' : undefined;
    const topics = await describeTopics(resolveKafka(flags), {names: name === undefined ? undefined : [name], excludeInternal: flags['exclude-internal'], filter});
    if (filter) {
      const rows = topics.flatMap((d) => d.partitions.map((p) => [d.name, ...partitionRow(p)]));
      if (rows.length > 0) this.log(table(['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOG-START', 'HIGH-WATERMARK'], rows));
    } else if (topics.length > 0) this.log(topics.map(render).join('\n\n'));
    return name === undefined ? {topics} : topics[0];
  }
}
