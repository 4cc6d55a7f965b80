import {Command} from '#oclif';
import {reportError} from './report-error.js';

/**
 * Every kcollect command: `--json` prints the typed result of run(); a UserError prints one
 * line and a hint (exit 1); anything else is ours and prints its stack (report-error.ts).
 */
export abstract class KcollectCommand extends Command {
  static override enableJsonFlag = true;

  /**
   * oclif takes piped stdin as the value of a missing argument (whatever arrives within 10 ms):
   * `seq 100 | kcollect produce -t T` would take the lines for the topic, or drop the first ones.
   * No kcollect argument is read from stdin.
   */
  override async init(): Promise<void> {
    for (const arg of Object.values(this.ctor.args ?? {})) arg.ignoreStdin = true;
    await super.init();
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<any> {
    // oclif's own parse errors (unknown flag, missing argument) are user errors too.
    if (err.oclif !== undefined) return super.catch(err);
    reportError(err);
  }
}
