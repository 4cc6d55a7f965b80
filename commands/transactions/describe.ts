import {Args} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {type DescribedTransaction, describeTransaction} from '../../src/client/transactions-admin.js';
import {keyValues} from '../../src/services/text-table.js';

export default class TransactionsDescribe extends KcollectCommand {
  static override summary = 'Show a transactional id: coordinator, producer id and epoch, state, timeout, open partitions (kafka-transactions.sh describe)';
  static override examples = ['<%= config.bin %> transactions describe transform-1'];

  static override args = {transactionalId: Args.string({required: true, description: 'the transactional.id'})};
  static override flags = {...kafkaFlags};

  async run(): Promise<DescribedTransaction> {
    const {args, flags} = await this.parse(TransactionsDescribe);
    const t = await describeTransaction(resolveKafka(flags), args.transactionalId);
    this.log(
      keyValues([
        ['TRANSACTIONAL-ID', t.transactionalId],
        ['COORDINATOR', t.coordinator],
        ['PRODUCER-ID', t.producerId],
        ['PRODUCER-EPOCH', t.producerEpoch],
        ['STATE', t.state],
        ['TIMEOUT-MS', t.timeoutMs],
        ['START-TIME', t.startTimeMs >= 0 ? new Date(t.startTimeMs).toISOString() : '-'],
        ['PARTITIONS', t.partitions.join(' ') || '-'],
      ]),
    );
    return t;
  }
}
