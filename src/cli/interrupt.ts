/**
 * Runs fn with a signal that aborts on the first SIGINT or SIGTERM (Ctrl-C: finish what is in
 * flight, save positions, then exit). A second one exits at once: positions on disk are those of
 * the last batch Kafka acknowledged, so nothing is lost, at worst read again.
 */
export async function untilInterrupted<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!interrupt.signal.aborted) {
      process.stderr.write(`kcollect: ${signal}: stopping once what is in flight is safe (Ctrl-C again to stop at once)\n`);
      return interrupt.abort();
    }
    process.stderr.write(`kcollect: ${signal} again: exiting now; positions stay at the last acknowledged batch\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(interrupt.signal);
  } finally {
    // Stopped by a signal: a connection to a destination that stopped answering must not keep
    // the process alive. The timer is unref'd, so it fires only if something else still would.
    if (interrupt.signal.aborted) setTimeout(() => process.exit(), 1000).unref();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
