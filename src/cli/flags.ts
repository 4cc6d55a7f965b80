import fs from 'node:fs';
import path from 'node:path';
import {bootstrapList} from '../lib/address.js';
import {writeFileAtomic} from '../lib/fs.js';
import {Flags} from '#oclif';

/** Written by `cluster up`; later commands find the running cluster here when no flag is given. */
export const PROFILE_PATH = path.join('.kcollect', 'profile.json');

export interface Profile {
  brokers?: string;
  zookeeper?: string;
  /** The cluster state file of `cluster up` (absolute path). */
  cluster?: string;
  /** Client properties (security.protocol, sasl.*, ssl.*) for every command, below --command-config and -X. */
  client?: Record<string, string>;
}

export function readProfile(): Profile {
  try {
    return JSON.parse(fs.readFileSync(PROFILE_PATH, 'utf8')) as Profile;
  } catch {
    return {};
  }
}

export function writeProfile(profile: Profile): void {
  fs.mkdirSync(path.dirname(PROFILE_PATH), {recursive: true, mode: 0o700});
  writeFileAtomic(PROFILE_PATH, `${JSON.stringify(profile, null, 2)}\n`, {fsync: false});
}

export const brokersFlag = Flags.string({
  char: 'b',
  // kafka-topics.sh, kafka-console-producer.sh and kafka-consumer-groups.sh say it so.
  aliases: ['bootstrap-server'],
  env: 'KCOLLECT_BROKERS',
  description: 'bootstrap brokers, HOST[:PORT][,HOST[:PORT]...] (port 9092 if none; also --bootstrap-server as Kafka\'s tools say; default: bootstrap.servers of the client properties, else the profile from `cluster up`, else 127.0.0.1:9092)',
});

/** Flag or env var, then the profile, then the local default. */
export function resolveBrokers(flag: string | undefined): string[] {
  return bootstrapList(flag ?? readProfile().brokers ?? '127.0.0.1:9092', '--brokers');
}

export const zookeeperFlag = Flags.string({
  env: 'KCOLLECT_ZOOKEEPER',
  description: 'ZooKeeper connect string, HOST:PORT[,HOST:PORT...][/chroot] (default: the profile from `cluster up`, else 127.0.0.1:2181)',
});

/** Flag or env var, then the profile, then the local default. */
export function resolveZookeeper(flag: string | undefined): string {
  return flag ?? readProfile().zookeeper ?? '127.0.0.1:2181';
}

export const DEFAULT_HBASE_URL = 'http://127.0.0.1:8080';

export const hbaseUrlFlag = Flags.string({
  env: 'KCOLLECT_HBASE_URL',
  default: DEFAULT_HBASE_URL,
  description: 'HBase REST gateway base URL (a real gateway, or `kcollect hbase serve`)',
});
