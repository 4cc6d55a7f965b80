#!/usr/bin/env node
// Node 22.1+ keeps V8's compiled code of our modules between runs (in the OS temp dir).
import module from 'node:module';
import {fileURLToPath} from 'node:url';
module.enableCompileCache?.();

// kafkajs sets timers with negative delays; Node 22+ warns about each on stderr (the timer fires at
// once, as on Node 20). Users of the CLI cannot act on it: drop that one warning.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'TimeoutNegativeWarning' || warning?.name === 'TimeoutNegativeWarning') return;
  return emitWarning.call(this, warning, ...rest);
};

// A broker starts without loading oclif (a third of its start-up time) when its arguments are
// plainly valid; help and argument errors go through oclif below. Its code is bundled by the build
// into one file (bin/bundle-broker.js) and loaded with V8's code cache (bin/code-cache.js).
const [topic, command, ...rest] = process.argv.slice(2);
// The data-path commands (timed against kcat, start-up included) run from a bundle too, still
// parsed and run by oclif's own Command class, so flags, environment variables and messages stay
// oclif's: only oclif's routing (finding the command, loading ~90 of our modules) is skipped. Help
// and --version go the usual way. KCOLLECT_OCLIF_ROUTING=1 turns this off (tests compare the two).
const DATA_PATH = new Set(['tail-produce', 'spool-produce', 'consume']);
const args = process.argv.slice(3);
const dataPath = DATA_PATH.has(topic) && !process.env.KCOLLECT_OCLIF_ROUTING && !args.some((a) => ['--help', '-h', '--version'].includes(a));
const fast = topic === 'broker' && command === 'start' && (await loadBundle('broker/broker-start-fast.cjs')).startBrokerFast;
if (dataPath) await runDataPathCommand(topic, args);
else if (!fast || !(await fast(rest))) {
  const {execute} = await import('#oclif');
  await execute({dir: import.meta.url});
}

async function loadBundle(file) {
  const {requireWithCodeCache} = await import('./code-cache.js');
  return requireWithCodeCache(fileURLToPath(new URL(`../dist/${file}`, import.meta.url)));
}

/** What oclif's execute() does for a command it found: run it, flush its output, report its error. */
async function runDataPathCommand(id, argv) {
  const {default: Command, Config, flush, handle} = await loadBundle(`data-path/${id}.cjs`);
  try {
    Command.id = id;
    await Command.run(argv, await Config.load(import.meta.url));
    await flush();
  } catch (err) {
    await handle(err);
  }
}
