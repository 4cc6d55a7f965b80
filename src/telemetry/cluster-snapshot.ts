import type {ComponentSnapshot} from './metrics.js';

/**
 * One look at the cluster and the pipelines around it: what `kcollect dashboard` draws and
 * `kcollect status --json` prints. Each panel carries its own error, so a broker that is down
 * empties the Kafka panels without hiding the pipelines or ZooKeeper. Rates (`perSec`) are null
 * until a second snapshot gives a difference to divide.
 */
export interface ClusterSnapshot {
  /** Epoch milliseconds. */
  takenAt: number;
  bootstrap: string[];
  brokers: BrokersPanel;
  topics: Panel<TopicInfo>;
  groups: Panel<GroupInfo>;
  pipelines: Panel<PipelineInfo>;
  zookeeper: ZookeeperPanel;
}

export interface Panel<T> {
  items: T[];
  /** Why the panel is empty or stale (a broker down, a timeout). */
  error?: string;
}

export interface BrokersPanel extends Panel<BrokerInfo> {
  controller: number | null;
}

export interface BrokerInfo {
  id: number;
  address: string;
  controller: boolean;
  /** Accepts connections now. */
  up: boolean;
}

export interface PartitionInfo {
  partition: number;
  /** -1: no leader (offline). */
  leader: number;
  replicas: number[];
  isr: number[];
  underReplicated: boolean;
  logStart: number | null;
  logEnd: number | null;
  /** Bytes of the leader's log on this machine; null when its data dir is not local. */
  sizeBytes: number | null;
  perSec: number | null;
}

export interface TopicInfo {
  name: string;
  internal: boolean;
  partitions: PartitionInfo[];
  /** Sum of the partitions' end offsets. */
  endOffset: number;
  /** Messages still retained (end minus start offsets). */
  messages: number;
  sizeBytes: number | null;
  underReplicated: number;
  /** Messages per second arriving (end-offset growth). */
  perSec: number | null;
  history: number[];
}

export interface GroupPartitionInfo {
  topic: string;
  partition: number;
  /** null: never committed. */
  committed: number | null;
  logEnd: number | null;
  lag: number | null;
  /** The member the partition is assigned to, as the coordinator describes it; null: none. */
  owner: {memberId: string; clientId: string; host: string} | null;
}

export interface GroupInfo {
  group: string;
  state: string;
  protocolType: string;
  members: number;
  partitions: GroupPartitionInfo[];
  totalLag: number;
  /** Commits per second (committed-offset growth) and arrivals per second on its partitions. */
  consumePerSec: number | null;
  arrivalPerSec: number | null;
  /** Seconds until the lag is gone at the current net rate (kafkatop's ETA); 'never' when it does not shrink. */
  catchUp: number | 'never' | null;
  history: number[];
}

export type PipelineState = 'running' | 'stopped' | 'dead';

/** A sink of an agent, or the sink of a drain: ok, parked, retrying, ... */
export interface SinkInfo {
  kind: 'SINK' | 'DRAIN';
  name: string;
  type: string;
  state: string;
  written: number;
  backlog: number | null;
  /** 99th percentile of read (or appended) -> confirmed by this sink, ms; null: not measured. */
  p99Ms: number | null;
}

export interface PipelineInfo {
  name: string;
  kind: 'agent' | 'drain';
  pid: number;
  state: PipelineState;
  updatedAt: string;
  /** Events accepted by the sources; null for drains (Kafka is their source). */
  eventsIn: number | null;
  /** Events the sinks (or the drain) wrote. */
  eventsOut: number;
  inPerSec: number | null;
  outPerSec: number | null;
  /** The fullest channel, in percent; null without channels. */
  channelFill: number | null;
  sinks: SinkInfo[];
  components: ComponentSnapshot[];
  inHistory: number[];
  outHistory: number[];
}

export interface ZkNodeInfo {
  id?: number;
  address: string;
  /** leader, follower, standalone, observer, read-only, not serving, down. */
  mode: string;
  znodeCount?: number;
  error?: string;
}

export interface ZookeeperPanel extends Panel<ZkNodeInfo> {
  /** null: no ZooKeeper configured (no --zookeeper, none in the profile). */
  connectString: string | null;
  quorum: boolean | null;
}

/** One znode as the browser shows it. */
export interface ZnodeListing {
  path: string;
  children: string[];
  /** UTF-8 data, cut to a screenful; null when empty. */
  data: string | null;
  error?: string;
}

export type ZnodeBrowser = (path: string) => Promise<ZnodeListing>;

/** A stream of snapshots that calls listeners only when something changed. */
export interface SnapshotFeed {
  current(): ClusterSnapshot | undefined;
  subscribe(listener: (s: ClusterSnapshot) => void): () => void;
}
