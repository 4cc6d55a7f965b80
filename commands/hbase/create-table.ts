import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {httpClientFlags, httpClientSecurity} from '../../src/cli/http-flags.js';
import {createTable, type CreateTableResult} from '../../src/services/hbase-service.js';
import {hbaseUrlFlag} from '../../src/cli/flags.js';
import {table} from '../../src/services/text-table.js';

export default class HBaseCreateTable extends KcollectCommand {
  static override summary = 'Create an HBase table through the REST gateway';
  static override description =
    'Works against a real HBase REST gateway or `kcollect hbase serve`. A table that exists already is fine: column families it lacks are added, the others are left alone.';
  static override examples = [
    '<%= config.bin %> hbase create-table DriverCarInfo --column-family cf1',
    '<%= config.bin %> hbase create-table events -c raw -c meta --versions 1 --hbase-url http://hbase-rest:8080',
  ];

  static override args = {table: Args.string({required: true, description: 'table name ([namespace:]name)'})};

  static override flags = {
    'hbase-url': hbaseUrlFlag,
    ...httpClientFlags('hbase', 'HBase REST gateway'),
    'column-family': Flags.string({char: 'c', required: true, multiple: true, delimiter: ',', env: 'KCOLLECT_HBASE_FAMILY', description: 'column family (repeatable, or comma-separated)'}),
    versions: Flags.integer({min: 1, env: 'KCOLLECT_HBASE_VERSIONS', description: 'versions kept per cell (default: the server\'s, 3 on the emulator)'}),
  };

  async run(): Promise<CreateTableResult> {
    const {args, flags} = await this.parse(HBaseCreateTable);
    // From the environment oclif hands a multiple flag over as one string: split it the same way.
    const families = [flags['column-family']].flat().flatMap((f) => String(f).split(',')).map((f) => f.trim()).filter(Boolean);
    const result = await createTable(flags['hbase-url'], args.table, families, flags.versions, httpClientSecurity('hbase', flags));
    this.log(`${result.created ? 'created table' : 'table exists:'} ${result.table} at ${result.url}`);
    this.log(table(['COLUMN-FAMILY', 'VERSIONS'], result.families.map((f) => [f.name, f.versions])));
    return result;
  }
}
