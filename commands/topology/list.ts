import {KcollectCommand} from '../../src/cli/base-command.js';
import {table} from '../../src/services/text-table.js';
import {listBundled, type BundledFile} from '../../src/topology/bundled.js';

export default class TopologyList extends KcollectCommand {
  static override summary = 'List the topology and agent files shipped with kcollect (usable by name from any directory)';
  static override examples = ['<%= config.bin %> topology list', '<%= config.bin %> cluster up multi-broker-single-node', '<%= config.bin %> agent run smartcar-driving'];

  async run(): Promise<{files: BundledFile[]}> {
    const files = listBundled();
    this.log(table(['KIND', 'NAME', 'DESCRIPTION'], files.map((f) => [f.kind, f.name, f.description])));
    this.log('\n`kcollect init` copies them into ./topology to edit.');
    return {files};
  }
}
