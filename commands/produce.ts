import {Flags} from '#oclif';
import {KcollectCommand} from '../src/cli/base-command.js';
import {kafkaFlags, resolveClient} from '../src/cli/client-flags.js';
import {DELIVERY_FIX} from '../src/cli/collect-flags.js';
import {resolveTopic, topicArg, topicFlag} from '../src/cli/name-flags.js';
import {ACKS, COMPRESSIONS, producerDelivery, type Acks} from '../src/client/client-settings.js';
import type {DeliveryReport} from '../src/client/producer.js';
import {parseHeaders, produceLines} from '../src/services/produce-service.js';
import {table} from '../src/services/text-table.js';
import {listValues} from '../src/services/list-values.js';

export default class Produce extends KcollectCommand {
  static override summary = 'Send lines from stdin (or a file) to a topic, one record per line';
  static override description =
    'Records with a key go to the partition the Java client would pick (murmur2 of the key); records without one fill one partition per batch. The command exits once Kafka acknowledged every record, and reports how many it did.';
  static override examples = [
    'echo hello | <%= config.bin %> produce driving-logs',
    '<%= config.bin %> produce -t driving-logs -l trips.log -k car-17', '<%= config.bin %> produce driving-logs --file trips.log --key-delimiter , -H source=car-17 --compression zstd',
  ];

  static override args = {topic: topicArg};

  static override flags = {
    ...kafkaFlags,
    topic: topicFlag,
    file: Flags.string({char: 'l', env: 'KCOLLECT_PRODUCE_FILE', description: 'read lines from this file instead of stdin (kcat -l)'}),
    key: Flags.string({char: 'k', exclusive: ['key-delimiter'], env: 'KCOLLECT_PRODUCE_KEY', description: 'this key on every record (kcat -k)'}),
    'key-delimiter': Flags.string({char: 'K', env: 'KCOLLECT_KEY_DELIMITER', description: 'split each line at the first DELIM into key and value (lines without it get no key)'}),
    header: Flags.string({char: 'H', multiple: true, env: 'KCOLLECT_HEADERS', description: 'header KEY=VALUE added to every record (repeatable)'}),
    acks: Flags.string({options: [...ACKS], env: 'KCOLLECT_ACKS', description: 'acknowledgements to wait for: all (-1), 1 (leader), 0 (none) (default: acks of the client properties, else all)'}),
    compression: Flags.string({char: 'z', options: [...COMPRESSIONS], env: 'KCOLLECT_COMPRESSION', description: 'compression codec for record batches (default: compression.type of the client properties, else none)'}),
    partition: Flags.integer({char: 'p', min: 0, env: 'KCOLLECT_PRODUCE_PARTITION', description: 'send every record to this partition instead of partitioning by key'}),
    idempotent: Flags.boolean({allowNo: true, env: 'KCOLLECT_IDEMPOTENT', description: 'idempotent producer: no duplicates on retry (implies --acks all, one batch in flight) (default: enable.idempotence of the client properties, else off, as kcat)'}),
    'transactional-id': Flags.string({description: 'transactional.id: the whole input is one transaction, committed at its end (aborted on failure, so read_committed consumers see all of it or nothing); implies --idempotent'}),
  };

  async run(): Promise<DeliveryReport> {
    const parsed = await this.parse(Produce);
    const {args, flags} = parsed;
    const {brokers, settings} = resolveClient(flags);
    const report = await produceLines({
      brokers,
      topic: resolveTopic(parsed),
      file: flags.file,
      keyDelimiter: flags['key-delimiter'],
      key: flags.key,
      headers: parseHeaders(listValues(flags.header)),
      partition: flags.partition,
      ...producerDelivery({acks: (flags.acks as Acks | undefined) ?? settings.acks, idempotent: flags.idempotent ?? settings.idempotent}, false, DELIVERY_FIX),
      compression: (flags.compression as DeliveryReport['compression'] | undefined) ?? settings.compression ?? 'none',
      transactionalId: flags['transactional-id'],
    });
    if (report.partitions.length > 0) {
      this.log(table(['PARTITION', 'RECORDS', 'FIRST-OFFSET', 'LAST-OFFSET'], report.partitions.map((p) => [p.partition, p.records, p.firstOffset, p.lastOffset])));
    }
    this.log(`produced ${report.records} record(s) to ${report.topic} in ${report.durationMs} ms (acks=${report.acks}, compression=${report.compression})`);
    return report;
  }
}
