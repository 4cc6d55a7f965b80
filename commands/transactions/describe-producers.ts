import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {type ActiveProducer, describeProducers} from '../../src/client/transactions-admin.js';
import {table} from '../../src/services/text-table.js';

export default class TransactionsDescribeProducers extends KcollectCommand {
  static override summary = "Show the producers a partition's leader remembers and their open transactions (kafka-transactions.sh describe-producers)";
  static override examples = ['<%= config.bin %> transactions describe-producers --topic driving --partition 0'];

  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({char: 't', required: true, description: 'topic'}),
    partition: Flags.integer({char: 'p', multiple: true, min: 0, description: 'only these partitions (default: all)'}),
  };

  async run(): Promise<{producers: ActiveProducer[]}> {
    const {flags} = await this.parse(TransactionsDescribeProducers);
    const producers = await describeProducers(resolveKafka(flags), flags.topic, flags.partition);
    this.log(
      producers.length
        ? table(
            ['PARTITION', 'PRODUCER-ID', 'PRODUCER-EPOCH', 'LAST-SEQUENCE', 'LAST-TIMESTAMP', 'CURRENT-TRANSACTION-START-OFFSET'],
            producers.map((p) => [p.partition, p.producerId, p.producerEpoch, p.lastSequence, p.lastTimestamp >= 0 ? new Date(p.lastTimestamp).toISOString() : '-', p.currentTxnStartOffset >= 0 ? p.currentTxnStartOffset : '-']),
          )
        : '(no active producers)',
    );
    return {producers};
  }
}
