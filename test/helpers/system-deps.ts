import {spawnSync} from 'node:child_process';
import fs from 'node:fs';

/**
 * Whether a test needing a system tool should run. Locally a missing tool skips loudly; in CI
 * (KCOLLECT_REQUIRE_SYSTEM_DEPS=1) it fails, so a missing install step cannot hide.
 */
export function requireTool(name: string, present: boolean): boolean {
  if (present) return true;
  if (process.env.KCOLLECT_REQUIRE_SYSTEM_DEPS === '1') {
    throw new Error(`${name} is required (KCOLLECT_REQUIRE_SYSTEM_DEPS=1) but missing: apt-get install -y zookeeper kcat python3-kafka python3-confluent-kafka netcat-openbsd`);
  }
  console.warn(`\n*** SKIPPING: ${name} is not installed (apt-get install -y zookeeper kcat python3-kafka python3-confluent-kafka netcat-openbsd) ***\n`);
  return false;
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export function hasPythonModule(module: string): boolean {
  return fs.existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', `import ${module}`]).status === 0;
}
