import path from 'node:path';
import {Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {httpServerFlags, httpServerSecurity} from '../../src/cli/http-flags.js';
import {serveRegistryUntilSignal} from '../../src/services/registry-service.js';

export default class RegistryServe extends KcollectCommand {
  static override summary = "Run kcollect's Schema Registry emulator (for development and tests)";
  static override description = `This is NOT Confluent's Schema Registry. It EMULATES the Confluent Schema Registry REST API for development and tests, so \`--format avro\` works on one machine without a Confluent installation; it is the embedded default behind --registry-url. Point the same commands at a real registry with --registry-url when you have one.

It serves Avro schemas with the registry's paths, JSON shapes and error codes: subjects, versions, global schema ids (the same schema gets the same id), lookups, soft and permanent subject deletes, and the compatibility levels NONE, BACKWARD, FORWARD, FULL and their _TRANSITIVE variants, checked with Avro's schema resolution: an incompatible schema is refused with 409 and the reason. Schemas are written to --data-dir before they are acknowledged, so they survive restarts. Not emulated: JSON Schema and Protobuf, schema references, modes and contexts.`;
  static override examples = [
    '<%= config.bin %> registry serve',
    '<%= config.bin %> registry serve --port 0 --data-dir /tmp/registry',
    'curl http://127.0.0.1:8081/subjects',
  ];
  static override enableJsonFlag = false;

  static override flags = {
    port: Flags.integer({default: 8081, min: 0, max: 65535, env: 'KCOLLECT_REGISTRY_PORT', description: 'port to listen on (0 picks a free port; the ready line shows it)'}),
    host: Flags.string({default: '127.0.0.1', env: 'KCOLLECT_REGISTRY_HOST', description: 'address to listen on'}),
    'data-dir': Flags.string({default: path.join('.kcollect', 'registry'), env: 'KCOLLECT_REGISTRY_DATA_DIR', description: 'where the schemas are kept'}),
    ...httpServerFlags,
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(RegistryServe);
    await serveRegistryUntilSignal({host: flags.host, port: flags.port, dataDir: path.resolve(flags['data-dir']), security: httpServerSecurity(flags)}, (line) => this.log(line));
  }
}
