import {KcollectCommand} from '../../src/cli/base-command.js';
import {httpClientFlags, httpClientSecurity} from '../../src/cli/http-flags.js';
import {registryUrlFlag} from '../../src/cli/registry-flags.js';
import {listSubjects, type ListResult} from '../../src/services/registry-service.js';
import {table} from '../../src/services/text-table.js';

export default class SchemaList extends KcollectCommand {
  static override summary = 'List the subjects in a schema registry, with their versions';
  static override description = 'Reads from a Confluent Schema Registry (or `kcollect registry serve`): each subject, its versions and the schema id of its latest version.';
  static override examples = ['<%= config.bin %> schema list', '<%= config.bin %> schema list --registry-url http://registry:8081 --json'];

  static override flags = {'registry-url': registryUrlFlag, ...httpClientFlags('registry', 'Schema Registry')};

  async run(): Promise<ListResult> {
    const {flags} = await this.parse(SchemaList);
    const result = await listSubjects(flags['registry-url'], httpClientSecurity('registry', flags));
    if (result.subjects.length === 0) this.log(`no subjects in ${result.url}`);
    else this.log(table(['SUBJECT', 'VERSIONS', 'LATEST-ID'], result.subjects.map((s) => [s.subject, s.versions.join(','), s.latestId])));
    return result;
  }
}
