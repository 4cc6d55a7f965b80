/**
 * syslog-ng (Debian syslog-ng-core + syslog-ng-mod-rdkafka) as a tail-to-Kafka peer: its file()
 * source follows the log and its kafka-c() destination (librdkafka) produces each line as it is.
 */
import {execFileSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {spawnTracked} from './proc.js';

export const SYSLOG_NG_INSTALL = 'apt-get install syslog-ng-core syslog-ng-mod-rdkafka';

/** The installed version with its Kafka module, or undefined. */
export function syslogNgVersion(): string | undefined {
  try {
    const out = execFileSync('syslog-ng', ['--version'], {encoding: 'utf8'});
    if (!/kafka/i.test(out)) return undefined;
    return /syslog-ng \d+ \(([\d.]+)\)/.exec(out)?.[1] ?? 'unknown';
  } catch {
    return undefined;
  }
}

/**
 * Starts syslog-ng in the foreground with every state file in `dir`. The settings match what
 * kcollect does: acks=all with an idempotent producer, and flow control on the log path so a full
 * destination queue slows reading instead of dropping lines (syslog-ng's default drops them).
 * The source's fetch window is widened from its defaults (100), as one would for throughput.
 */
export function startSyslogNg(dir: string, file: string, brokers: string, topic: string): ChildProcess {
  const conf = path.join(dir, 'syslog-ng.conf');
  fs.writeFileSync(
    conf,
    `@version: 3.38
options { stats-freq(0); };
source s_log { file("${file}" flags(no-parse) follow-freq(0.1) log-fetch-limit(10000) log-iw-size(100000) log-msg-size(65536)); };
destination d_kafka { kafka-c(bootstrap-servers("${brokers}") topic("${topic}") message("$MESSAGE")
  config("acks" => "all" "enable.idempotence" => "true" "linger.ms" => "5")); };
log { source(s_log); destination(d_kafka); flags(flow-control); };
`,
  );
  const state = (name: string) => `--${name}=${path.join(dir, `syslog-ng.${name}`)}`;
  return spawnTracked('syslog-ng', ['-F', '-f', conf, state('persist-file'), state('pidfile'), state('control'), '--no-caps'], {stdio: ['ignore', 'ignore', 'pipe']});
}
