import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {httpClientFlags, httpClientSecurity} from '../../src/cli/http-flags.js';
import {displayBytes, scanTable, type ScanResult} from '../../src/services/hbase-service.js';
import {hbaseUrlFlag} from '../../src/cli/flags.js';
import {table} from '../../src/services/text-table.js';

export default class HBaseScan extends KcollectCommand {
  static override summary = 'Print the rows of an HBase table in key order';
  static override description =
    'Scans through the REST gateway (real or `kcollect hbase serve`) with a scanner, from --start-row (inclusive) to --end-row (exclusive), newest version of each column.';
  static override examples = [
    '<%= config.bin %> hbase scan DriverCarInfo --limit 10',
    '<%= config.bin %> hbase scan DriverCarInfo --start-row 0 --end-row 1 --json',
  ];

  static override args = {table: Args.string({required: true, description: 'table name'})};

  static override flags = {
    'hbase-url': hbaseUrlFlag,
    ...httpClientFlags('hbase', 'HBase REST gateway'),
    'start-row': Flags.string({env: 'KCOLLECT_HBASE_START_ROW', description: 'first row key (inclusive)'}),
    'end-row': Flags.string({env: 'KCOLLECT_HBASE_END_ROW', description: 'stop before this row key (exclusive)'}),
    limit: Flags.integer({min: 1, env: 'KCOLLECT_HBASE_LIMIT', description: 'stop after N rows'}),
    batch: Flags.integer({min: 1, default: 1000, env: 'KCOLLECT_HBASE_BATCH', description: 'cells fetched per scanner request'}),
  };

  async run(): Promise<ScanResult> {
    const {args, flags} = await this.parse(HBaseScan);
    const result = await scanTable(flags['hbase-url'], args.table, {startRow: flags['start-row'], endRow: flags['end-row'], limit: flags.limit, batch: flags.batch}, httpClientSecurity('hbase', flags));
    // --json prints only the result: no text table to build (one line per cell of the scan).
    if (this.jsonEnabled()) return result;
    const lines = result.rows.flatMap((r) => r.cells.map((c) => [r.key, c.column, c.timestamp, displayBytes(Buffer.from(c.valueBase64, 'base64'))]));
    if (lines.length > 0) this.log(table(['ROW', 'COLUMN', 'TIMESTAMP', 'VALUE'], lines));
    this.log(`${result.count} row(s)${result.limited ? ` (stopped at --limit ${flags.limit})` : ''}`);
    return result;
  }
}
