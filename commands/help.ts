import {loadHelpClass} from '#oclif';
import {KcollectCommand} from '../src/cli/base-command.js';

/** `kcollect help [COMMAND...]`, as git, rpk and oclif's help plugin take it: the same text as --help. */
export default class Help extends KcollectCommand {
  static override summary = 'Show help for kcollect, a topic or a command';
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help topic create'];
  static override strict = false;
  static override enableJsonFlag = false;

  async run(): Promise<void> {
    const {argv} = await this.parse(Help);
    const HelpClass = await loadHelpClass(this.config);
    await new HelpClass(this.config).showHelp(argv as string[]);
  }
}
