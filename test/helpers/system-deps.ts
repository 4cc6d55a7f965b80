import {spawnSync} from 'node:child_process';
import fs from 'node:fs';

/**
 * The rule for tests that need a system package (zookeeper, kcat, python3-kafka, ...): when it is
 * missing, skip loudly, unless KCOLLECT_REQUIRE_SYSTEM_DEPS=1 (set by .ci/run), then fail.
 *
 *   const haveZk = requireTool('zookeeper', zookeeperInstalled());
 *   describe.skipIf(!haveZk)('against a real ZooKeeper', () => { ... });
 */
export function requireTool(name: string, present: boolean, installHint = `apt-get install -y ${name}`): boolean {
  if (present) return true;
  if (process.env.KCOLLECT_REQUIRE_SYSTEM_DEPS === '1') {
    throw new Error(`${name} is required by these tests (KCOLLECT_REQUIRE_SYSTEM_DEPS=1) but is not installed; install it with \`${installHint}\``);
  }
  const bar = '!'.repeat(78);
  console.warn(`\n${bar}\n!! SKIPPING tests that need ${name}: it is not installed.\n!! Install it with \`${installHint}\`, or set KCOLLECT_REQUIRE_SYSTEM_DEPS=1 to make this a failure.\n${bar}\n`);
  return false;
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** The Debian Python modules are only visible to /usr/bin/python3 (python3 on PATH may be pyenv). */
export function hasPythonModule(module: string): boolean {
  return fs.existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', `import ${module}`]).status === 0;
}
