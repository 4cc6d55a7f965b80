import {BugError, UserError, permissionDenied} from '../lib/errors.js';
import {hintFor} from '../client/error-hints.js';
import {KafkaProtocolError} from '../protocol/errors.js';

/**
 * How a command that failed says so: a UserError (or a Kafka error answer) is one line and a
 * hint, exit 1; anything else is ours, with its stack, exit 2.
 */
export function reportError(error: Error): void {
  const err = permissionDenied(error) ?? error;
  // The command is over: a connection a client library left open (kafkajs after a consumer
  // crash) must not keep the process alive. Unref'd, so it fires only if something still would.
  setTimeout(() => process.exit(), 1000).unref();
  if (err instanceof UserError || err instanceof KafkaProtocolError) {
    process.stderr.write(`kcollect: ${err.message}\n`);
    const hint = err instanceof UserError ? err.hint : hintFor(err.info.name);
    if (hint) process.stderr.write(`  hint: ${hint}\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write(`kcollect: internal error (please report it): ${err.stack ?? err}\n`);
  if (err instanceof BugError && err.cause) process.stderr.write(`caused by: ${String(err.cause)}\n`);
  process.exitCode = 2;
}
