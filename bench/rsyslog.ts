/**
 * rsyslog (Debian rsyslog + rsyslog-kafka) as a tail-to-Kafka peer: imfile follows the log with
 * inotify, omkafka (librdkafka) produces each line as it is, acks=all and idempotent as kcollect.
 */
import {execFileSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {spawnTracked} from './proc.js';

export const RSYSLOG_INSTALL = 'apt-get install rsyslog rsyslog-kafka';

/** The installed version when omkafka is there too, or undefined. */
export function rsyslogVersion(): string | undefined {
  try {
    const out = execFileSync('rsyslogd', ['-v'], {encoding: 'utf8'});
    const version = /rsyslogd\s+([\d.]+)/.exec(out)?.[1];
    const modules = '/usr/lib/x86_64-linux-gnu/rsyslog';
    return version && fs.existsSync(path.join(modules, 'omkafka.so')) ? version : undefined;
  } catch {
    return undefined;
  }
}

/** Starts rsyslogd in the foreground with its state in `dir`, following `file` into `topic`. */
export function startRsyslog(dir: string, file: string, brokers: string, topic: string): ChildProcess {
  const conf = path.join(dir, 'rsyslog.conf');
  fs.writeFileSync(
    conf,
    `global(workDirectory="${dir}")
module(load="imfile" mode="inotify")
module(load="omkafka")
template(name="msg" type="string" string="%msg%")
input(type="imfile" File="${file}" Tag="bench" ruleset="kafka")
ruleset(name="kafka") {
  action(type="omkafka" broker=["${brokers}"] topic="${topic}" template="msg"
    confParam=["acks=all", "enable.idempotence=true", "linger.ms=5"])
}
`,
  );
  return spawnTracked('rsyslogd', ['-n', '-f', conf, '-i', path.join(dir, 'rsyslog.pid')], {stdio: ['ignore', 'ignore', 'pipe']});
}
