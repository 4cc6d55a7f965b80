import fs from 'node:fs';
import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {httpClientFlags, httpClientSecurity} from '../../src/cli/http-flags.js';
import {registryUrlFlag} from '../../src/cli/registry-flags.js';
import {UserError} from '../../src/lib/errors.js';
import {BUILTIN_SCHEMAS, type BuiltinSchemaName} from '../../src/registry/smartcar-schemas.js';
import {registerSchema, type RegisterResult} from '../../src/services/registry-service.js';

export default class SchemaRegister extends KcollectCommand {
  static override summary = 'Register an Avro schema under a subject';
  static override description =
    "Registers in a Confluent Schema Registry (or `kcollect registry serve`). The same schema again gets its id back; a schema the subject's compatibility level does not allow is refused with the registry's reason. `--format avro` registers under TOPIC-value (Confluent's TopicNameStrategy), so that is the subject to register ahead of it.";
  static override examples = [
    '<%= config.bin %> schema register SmartCar-Topic-value --builtin driving',
    '<%= config.bin %> schema register app-logs-value --file app-log.avsc --registry-url http://registry:8081',
  ];

  static override args = {subject: Args.string({required: true, description: 'subject, e.g. TOPIC-value'})};

  static override flags = {
    'registry-url': registryUrlFlag,
    ...httpClientFlags('registry', 'Schema Registry'),
    file: Flags.string({char: 'f', exactlyOne: ['file', 'builtin'], env: 'KCOLLECT_SCHEMA_FILE', description: 'an Avro schema file (.avsc, JSON)'}),
    builtin: Flags.string({options: Object.keys(BUILTIN_SCHEMAS), exactlyOne: ['file', 'builtin'], env: 'KCOLLECT_SCHEMA_BUILTIN', description: "one of kcollect's smart-car schemas: driving (the driving log) or status (the status log)"}),
  };

  async run(): Promise<RegisterResult> {
    const {args, flags} = await this.parse(SchemaRegister);
    const schema = flags.file === undefined ? JSON.stringify(BUILTIN_SCHEMAS[flags.builtin as BuiltinSchemaName]) : readSchemaFile(flags.file);
    const result = await registerSchema(flags['registry-url'], args.subject, schema, httpClientSecurity('registry', flags));
    this.log(`registered ${result.subject} version ${result.version} as schema id ${result.id} in ${result.url}`);
    return result;
  }
}

function readSchemaFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'give the path of an Avro schema file (.avsc)');
  }
}
