import type {BrokerEndpoint} from '../broker/cluster-link.js';
import type {ClientConfig} from '../client/client-config.js';
import {WireConnection} from '../client/wire-connection.js';
import {loopbackSourceFor} from '../lib/address.js';
import {errorMessage} from '../lib/errors.js';
import {groupBy} from '../lib/group-by.js';
import {ApiVersions} from '../protocol/messages/18-api-versions.js';
import {Fetch} from '../protocol/messages/01-fetch.js';
import {OffsetForLeaderEpoch} from '../protocol/messages/23-offset-for-leader-epoch.js';
import type {Message} from '../protocol/codec.js';

// Kafka's broker defaults for the follower's Fetch requests.
/** replica.fetch.wait.max.ms: how long the leader may hold a fetch when it has nothing new. */
const REPLICA_FETCH_WAIT_MAX_MS = 500;
/** replica.fetch.min.bytes: the leader answers as soon as there is anything new. */
const REPLICA_FETCH_MIN_BYTES = 1;
/** replica.fetch.max.bytes: per partition, though a first batch bigger than this still comes whole. */
const REPLICA_FETCH_MAX_BYTES = 1 << 20;
/** replica.fetch.response.max.bytes: the whole response. */
const REPLICA_FETCH_RESPONSE_MAX_BYTES = 10 << 20;
const RETRY_MS = 300;

export interface FetchTarget {
  topic: string;
  partition: number;
  fetchOffset: number;
  /** The leader epoch this follower knows (KIP-320: a stale leader or follower is fenced). */
  currentLeaderEpoch: number;
  /** Set when the leader must first say where this epoch of ours ends (a new leader, KIP-101). */
  lastEpoch?: number;
}

/** What a fetcher needs from the replica manager. */
export interface FetcherHost {
  readonly nodeId: number;
  /** The address this broker listens on: loopback connections leave from it. */
  readonly localHost: string;
  /** How to reach the leader's inter-broker listener (TLS, SASL). */
  readonly interBrokerClient: ClientConfig;
  endpoint(brokerId: number): BrokerEndpoint | undefined;
  /** The partitions this broker follows on `leaderId`, with its log end offsets. */
  targets(leaderId: number): FetchTarget[];
  /** One partition of the leader's answer. */
  fetched(leaderId: number, topic: string, response: Message): void;
  /** The leader's OffsetForLeaderEpoch answer for a partition's last epoch (undefined: it cannot answer). */
  truncateToLeader(leaderId: number, topic: string, partition: number, answer: {epoch: number; endOffset: number} | undefined): void;
  log(line: string): void;
}

/**
 * The follower side of replication towards one leader: a loop of Fetch requests carrying this
 * broker's id as replica_id (so the leader serves beyond its high watermark and counts our
 * fetch offset as our log end), from each followed partition's log end offset.
 */
export class ReplicaFetcher {
  private conn?: WireConnection;
  private version = 4;
  private stopped = false;
  private readonly done: Promise<void>;
  private wake?: () => void;

  constructor(
    readonly leaderId: number,
    private readonly host: FetcherHost,
  ) {
    this.done = this.run();
  }

  /** New partitions to follow: stop waiting and fetch at once. */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.conn?.close();
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    try {
      await this.loop();
    } finally {
      // A connection opened while stop() was under way must not outlive the fetcher (it would keep the process alive).
      this.conn?.close();
    }
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const targets = this.host.targets(this.leaderId);
      if (targets.length === 0) {
        await this.pause(RETRY_MS);
        continue;
      }
      try {
        const conn = await this.connection();
        const unvalidated = targets.filter((t) => t.lastEpoch !== undefined);
        if (unvalidated.length > 0) {
          await this.validateEpochs(conn, unvalidated);
          continue;
        }
        const response = await conn.request(Fetch, this.version, this.request(targets));
        failures = 0;
        if (this.stopped) return;
        for (const t of response.responses) for (const p of t.partitions) this.host.fetched(this.leaderId, t.topic, p);
        if (response.responses.some((t: any) => t.partitions.some((p: any) => p.errorCode !== 0))) await this.pause(RETRY_MS);
      } catch (err) {
        this.conn?.close();
        this.conn = undefined;
        if (this.stopped) return;
        if (failures++ === 0) this.host.log(`replica fetcher to broker ${this.leaderId}: ${errorMessage(err)}`);
        await this.pause(Math.min(2000, RETRY_MS * failures));
      }
    }
  }

  /** KIP-101: asks the leader where each partition's last epoch ends, and truncates there. */
  private async validateEpochs(conn: WireConnection, targets: FetchTarget[]): Promise<void> {
    if (!conn.supports(OffsetForLeaderEpoch)) {
      for (const t of targets) this.host.truncateToLeader(this.leaderId, t.topic, t.partition, undefined);
      return;
    }
    const byTopic = groupBy(targets, (t) => t.topic);
    const res = await conn.request(OffsetForLeaderEpoch, conn.pick(OffsetForLeaderEpoch, [3, 4]), {
      replicaId: this.host.nodeId,
      topics: [...byTopic].map(([topic, parts]) => ({topic, partitions: parts.map((p) => ({partition: p.partition, currentLeaderEpoch: p.currentLeaderEpoch, leaderEpoch: p.lastEpoch}))})),
    });
    let retry = false;
    for (const t of res.topics) {
      for (const p of t.partitions) {
        // Not (yet) the leader, or a newer epoch than it knows: ask again shortly.
        if (p.errorCode !== 0) retry = true;
        else this.host.truncateToLeader(this.leaderId, t.topic, p.partition, {epoch: p.leaderEpoch, endOffset: Number(p.endOffset)});
      }
    }
    if (retry) await this.pause(RETRY_MS);
  }

  private request(targets: FetchTarget[]): Message {
    const byTopic = groupBy(targets, (t) => t.topic);
    return {
      replicaId: this.host.nodeId,
      maxWaitMs: REPLICA_FETCH_WAIT_MAX_MS,
      minBytes: REPLICA_FETCH_MIN_BYTES,
      maxBytes: REPLICA_FETCH_RESPONSE_MAX_BYTES,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, parts]) => ({
        topic,
        partitions: parts.map((p) => ({partition: p.partition, currentLeaderEpoch: p.currentLeaderEpoch, fetchOffset: p.fetchOffset, logStartOffset: -1, partitionMaxBytes: REPLICA_FETCH_MAX_BYTES})),
      })),
      forgottenTopicsData: [],
      rackId: '',
    };
  }

  private async connection(): Promise<WireConnection> {
    if (this.conn && !this.conn.closed) return this.conn;
    const endpoint = this.host.endpoint(this.leaderId);
    if (!endpoint) throw new Error(`broker ${this.leaderId} is not registered`);
    // One request at a time, each response appended (written out) before the next request: the
    // next response may be read into the same buffer, no fresh megabyte per fetch.
    const conn = await WireConnection.connect(endpoint.host, endpoint.port, {
      clientId: `kcollect-replica-${this.host.nodeId}`,
      config: this.host.interBrokerClient,
      localAddress: loopbackSourceFor(this.host.localHost, endpoint.host),
      reuseResponseBuffers: true,
    });
    try {
      await conn.negotiate(ApiVersions);
      this.version = conn.pick(Fetch, [4, 11]);
    } catch (err) {
      conn.close();
      throw err;
    }
    this.conn = conn;
    return conn;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
