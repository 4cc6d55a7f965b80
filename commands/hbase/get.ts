import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {httpClientFlags, httpClientSecurity} from '../../src/cli/http-flags.js';
import {displayBytes, getRow, type GetResult} from '../../src/services/hbase-service.js';
import {hbaseUrlFlag} from '../../src/cli/flags.js';
import {table} from '../../src/services/text-table.js';

export default class HBaseGet extends KcollectCommand {
  static override summary = 'Print the cells of one HBase row';
  static override description =
    'Reads through the REST gateway (real or `kcollect hbase serve`): each column with its newest version, or its N newest with --versions. Values that are not text print as \\xNN bytes; --json gives them as base64 too.';
  static override examples = [
    '<%= config.bin %> hbase get DriverCarInfo 20000010106102-B0002',
    '<%= config.bin %> hbase get DriverCarInfo 20000010106102-B0002 --column cf1:speed --versions 3 --json',
  ];

  static override args = {
    table: Args.string({required: true, description: 'table name'}),
    row: Args.string({required: true, description: 'row key'}),
  };

  static override flags = {
    'hbase-url': hbaseUrlFlag,
    ...httpClientFlags('hbase', 'HBase REST gateway'),
    versions: Flags.integer({min: 1, default: 1, env: 'KCOLLECT_HBASE_GET_VERSIONS', description: 'versions per column to show, newest first'}),
    column: Flags.string({env: 'KCOLLECT_HBASE_COLUMN', description: 'only this column family or family:qualifier'}),
  };

  async run(): Promise<GetResult> {
    const {args, flags} = await this.parse(HBaseGet);
    const result = await getRow(flags['hbase-url'], args.table, args.row, {versions: flags.versions, column: flags.column}, httpClientSecurity('hbase', flags));
    if (!result.found) {
      // As `hbase shell` scripts and grep expect: a missing row is a failure, said on stderr.
      this.logToStderr(`kcollect: row ${args.row} not found in ${args.table}`);
      process.exitCode = 1;
      return result;
    }
    this.log(table(['COLUMN', 'TIMESTAMP', 'VALUE'], result.cells.map((c) => [c.column, c.timestamp, displayBytes(Buffer.from(c.valueBase64, 'base64'))])));
    return result;
  }
}
