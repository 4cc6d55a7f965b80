import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {httpClientFlags, httpClientSecurity} from '../../src/cli/http-flags.js';
import {registryUrlFlag} from '../../src/cli/registry-flags.js';
import {UserError} from '../../src/lib/errors.js';
import {getSchema, type SchemaResult} from '../../src/services/registry-service.js';

export default class SchemaGet extends KcollectCommand {
  static override summary = "Print a subject's schema, or a schema by its id";
  static override description = 'Reads from a Confluent Schema Registry (or `kcollect registry serve`): the latest version of SUBJECT, the version given with --version, or the schema with a global --id (the id a record carries after the magic byte).';
  static override examples = [
    '<%= config.bin %> schema get SmartCar-Topic-value',
    '<%= config.bin %> schema get SmartCar-Topic-value --version 1 --json',
    '<%= config.bin %> schema get --id 3',
  ];

  static override args = {subject: Args.string({required: false, description: 'subject (not with --id)'})};

  static override flags = {
    'registry-url': registryUrlFlag,
    ...httpClientFlags('registry', 'Schema Registry'),
    version: Flags.string({char: 'v', default: 'latest', env: 'KCOLLECT_SCHEMA_VERSION', description: 'version number, or latest'}),
    id: Flags.integer({min: 1, env: 'KCOLLECT_SCHEMA_ID', description: 'the global schema id, instead of a subject'}),
  };

  async run(): Promise<SchemaResult> {
    const {args, flags} = await this.parse(SchemaGet);
    if ((flags.id === undefined) === (args.subject === undefined)) throw new UserError('give a SUBJECT or --id, not both and not neither', 'e.g. kcollect schema get SmartCar-Topic-value, or kcollect schema get --id 1');
    const result = await getSchema(flags['registry-url'], flags.id === undefined ? {subject: args.subject!, version: parseVersion(flags.version)} : {id: flags.id}, httpClientSecurity('registry', flags));
    this.log(result.subject === undefined ? `schema id ${result.id}` : `${result.subject} version ${result.version}, schema id ${result.id}`);
    this.log(JSON.stringify(JSON.parse(result.schema), null, 2));
    return result;
  }
}

function parseVersion(text: string): number | 'latest' {
  if (text === 'latest') return text;
  if (!/^[1-9]\d*$/.test(text)) throw new UserError(`--version must be a version number or latest, not "${text}"`, 'versions start at 1; `kcollect schema list` shows them');
  return Number(text);
}
