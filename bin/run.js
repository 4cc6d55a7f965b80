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
const fast = topic === 'broker' && command === 'start' && (await brokerBundle()).startBrokerFast;
if (!fast || !(await fast(rest))) {
  const {execute} = await import('#oclif');
  await execute({dir: import.meta.url});
}

async function brokerBundle() {
  const {requireWithCodeCache} = await import('./code-cache.js');
  return requireWithCodeCache(fileURLToPath(new URL('../dist/broker/broker-start-fast.cjs', import.meta.url)));
}
