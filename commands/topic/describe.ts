import {KcollectCommand} from '../../src/cli/base-command.js';
import {resolveTopic, topicNameArg, topicNameFlag} from '../../src/cli/name-flags.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {describeTopic} from '../../src/services/topic-service.js';
import {keyValues, section, table} from '../../src/services/text-table.js';
import type {TopicDescription} from '../../src/client/admin.js';

const list = (ids: number[]) => `[${ids.join(' ')}]`;

export default class TopicDescribe extends KcollectCommand {
  static override summary = 'Show a topic: partitions (leader, replicas, ISR, offsets) and configs';
  static override examples = ['<%= config.bin %> topic describe driving-logs', '<%= config.bin %> topic describe driving-logs --json'];

  static override args = {topic: topicNameArg};
  static override flags = {...kafkaFlags, topic: topicNameFlag};

  async run(): Promise<TopicDescription> {
    const parsed = await this.parse(TopicDescribe);
    const {flags} = parsed;
    const topic = resolveTopic(parsed, '--topic');
    const d = await describeTopic(resolveKafka(flags), topic);
    const summary = keyValues([
      ['TOPIC', d.name],
      ['PARTITIONS', d.partitions.length],
      ['REPLICAS', d.replicationFactor],
      ['INTERNAL', String(d.internal)],
    ]);
    const partitions = table(
      ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOG-START', 'HIGH-WATERMARK'],
      // As kafka-topics.sh shows a partition whose replicas are all down; it has no offsets to ask for.
      d.partitions.map((p) => (p.leader < 0 ? [p.partition, 'none', list(p.replicas), list(p.isr), '-', '-'] : [p.partition, p.leader, list(p.replicas), list(p.isr), p.logStartOffset, p.highWatermark])),
    );
    const configs = table(['KEY', 'VALUE', 'SOURCE'], d.configs.map((c) => [c.key, c.sensitive ? '(sensitive)' : c.value ?? '', c.source]));
    this.log([section('SUMMARY', summary), section('PARTITIONS', partitions), section('CONFIGS', configs)].join('\n\n'));
    return d;
  }
}
