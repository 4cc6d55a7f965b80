import {Command} from '#oclif';
import {reportError} from './report-error.js';

/**
 * Every kcollect command: `--json` prints the typed result of run(); a UserError prints one
 * line and a hint (exit 1); anything else is ours and prints its stack (report-error.ts).
 */
export abstract class KcollectCommand extends Command {
  static override enableJsonFlag = true;

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<any> {
    // oclif's own parse errors (unknown flag, missing argument) are user errors too.
    if (err.oclif !== undefined) return super.catch(err);
    reportError(err);
  }
}
