import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {type ListedTransaction, listTransactions} from '../../src/client/transactions-admin.js';
import {table} from '../../src/services/text-table.js';

export default class TransactionsList extends KcollectCommand {
  static override summary = 'List transactional ids, their producer and state, on every broker (kafka-transactions.sh list)';
  static override examples = ['<%= config.bin %> transactions list', '<%= config.bin %> transactions list --state Ongoing'];

  static override flags = {
    ...kafkaFlags,
    state: Flags.string({multiple: true, description: 'only transactions in this state (Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort)'}),
  };

  async run(): Promise<{transactions: ListedTransaction[]}> {
    const {flags} = await this.parse(TransactionsList);
    const transactions = await listTransactions(resolveKafka(flags), flags.state ?? []);
    this.log(transactions.length ? table(['TRANSACTIONAL-ID', 'COORDINATOR', 'PRODUCER-ID', 'STATE'], transactions.map((t) => [t.transactionalId, t.coordinator, t.producerId, t.state])) : '(no transactional ids)');
    return {transactions};
  }
}
