import fs from 'node:fs';
import path from 'node:path';
import {UserError} from '../../lib/errors.js';

/** Where Debian's `zookeeper` package puts the server jar (its manifest pulls in the dependencies). */
export const DEFAULT_ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
/** The package logs through SLF4J but ships no binding; slf4j-simple (a dependency of the package) gives a plain log. */
export const DEFAULT_SLF4J_JAR = '/usr/share/java/slf4j-simple.jar';

export const APT_HINT = 'install it with `apt-get install -y zookeeper` (Debian/Ubuntu; Java 17 is needed too: `apt-get install -y openjdk-17-jre-headless`)';

export interface ZookeeperInstall {
  java: string;
  jar: string;
  classpath: string;
}

/** The ZooKeeper jar in use: KCOLLECT_ZK_JAR when set (for a non-Debian install), else Debian's. */
export function zookeeperJar(): string {
  return process.env.KCOLLECT_ZK_JAR || DEFAULT_ZOOKEEPER_JAR;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** java from JAVA_HOME, else from PATH; undefined when there is none. */
export function findJava(): string | undefined {
  const home = process.env.JAVA_HOME;
  if (home && isExecutable(path.join(home, 'bin', 'java'))) return path.join(home, 'bin', 'java');
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, 'java'))) return path.join(dir, 'java');
  }
  return undefined;
}

/** Whether a ZooKeeper server can be started here (the jar and java are present). */
export function zookeeperInstalled(): boolean {
  return fs.existsSync(zookeeperJar()) && findJava() !== undefined;
}

/** The java binary and class path to run ZooKeeper, or a UserError that says how to install it. */
export function requireZookeeper(): ZookeeperInstall {
  const jar = zookeeperJar();
  if (!fs.existsSync(jar)) throw new UserError(`ZooKeeper is not installed (no ${jar})`, APT_HINT);
  const java = findJava();
  if (!java) throw new UserError('ZooKeeper needs Java, and there is no java on PATH (nor in JAVA_HOME)', 'install it with `apt-get install -y openjdk-17-jre-headless`');
  const parts = [jar];
  const slf4j = path.join(path.dirname(jar), 'slf4j-simple.jar');
  if (fs.existsSync(slf4j)) parts.push(slf4j);
  else if (fs.existsSync(DEFAULT_SLF4J_JAR)) parts.push(DEFAULT_SLF4J_JAR);
  return {java, jar, classpath: parts.join(':')};
}
