import {Command} from '@oclif/core';
import {BugError, UserError} from '../lib/errors.js';
import {KafkaProtocolError} from '../protocol/errors.js';

/**
 * Every kcollect command: `--json` prints the typed result of run(); a UserError prints one
 * line and a hint (exit 1); anything else is ours and prints its stack.
 */
export abstract class KcollectCommand extends Command {
  static override enableJsonFlag = true;

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<any> {
    // The command is over: a connection a client library left open (kafkajs after a consumer
    // crash) must not keep the process alive. Unref'd, so it fires only if something still would.
    setTimeout(() => process.exit(), 1000).unref();
    if (err instanceof UserError || err instanceof KafkaProtocolError) {
      process.stderr.write(`kcollect: ${err.message}\n`);
      const hint = err instanceof UserError ? (err as UserError).hint : undefined;
      if (hint) process.stderr.write(`  hint: ${hint}\n`);
      process.exitCode = 1;
      return;
    }
    // oclif's own parse errors (unknown flag, missing argument) are user errors too.
    if (err.oclif !== undefined) return super.catch(err);
    process.stderr.write(`kcollect: internal error (please report it): ${err.stack ?? err}\n`);
    if (err instanceof BugError && err.cause) process.stderr.write(`caused by: ${String(err.cause)}\n`);
    process.exitCode = 2;
  }
}
