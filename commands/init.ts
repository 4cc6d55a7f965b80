import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../src/cli/base-command.js';
import {copyBundled, type CopyResult} from '../src/topology/bundled.js';

export default class Init extends KcollectCommand {
  static override summary = 'Copy the shipped topology and agent files into a directory to edit';
  static override description = 'Writes DIR/topology/*.yaml and DIR/topology/agents/*.yaml from the files kcollect ships; existing files are kept unless --force.';
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init my-pilot --force'];
  static override args = {dir: Args.string({required: false, default: '.', description: 'where to write topology/ (default: here)'})};
  static override flags = {force: Flags.boolean({default: false, description: 'overwrite files that exist'})};

  async run(): Promise<CopyResult> {
    const {args, flags} = await this.parse(Init);
    const result = copyBundled(args.dir, flags.force);
    for (const f of result.copied) this.log(`wrote ${f}`);
    if (result.kept.length > 0) this.log(`kept ${result.kept.length} existing file(s) (--force overwrites them)`);
    return result;
  }
}
