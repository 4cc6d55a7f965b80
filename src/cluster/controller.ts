import {errorMessage} from '../lib/errors.js';
import type {ZkClient} from '../zk/client.js';
import {isZkError} from '../zk/errors.js';
import {parsePartitionState, parseTopicAssignment, parseTopicConfig, partitionState, type PartitionStateData, ZkPaths} from './zk-layout.js';

/**
 * The controller's job, run by the broker that holds /controller: whenever the set of live
 * brokers changes (and when it takes office), every partition whose leader is gone gets a new
 * one from its ISR (first in assignment order that is alive), with the leader epoch bumped;
 * dead brokers leave the ISRs; offline partitions come back when an ISR member returns.
 * Unclean election (a live replica outside the ISR) only when the topic enables it.
 * Every write is conditional on the znode version, so it never overwrites a leader's ISR change.
 */
export class Controller {
  private running?: Promise<void>;
  private again = false;
  private active = false;

  constructor(
    private readonly zk: () => ZkClient,
    /** This controller's epoch and the /controller_epoch version it wrote: every write checks that version. */
    private readonly controllerEpoch: () => {epoch: number; zkVersion: number},
    private readonly log: (line: string) => void,
    /** unclean.leader.election.enable of a topic that does not set it: this broker's server.properties, else false. */
    private readonly uncleanDefault: () => boolean = () => false,
  ) {}

  activate(): void {
    this.active = true;
    this.trigger();
  }

  deactivate(): void {
    this.active = false;
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Runs a reconciliation now, or once more after the one under way. */
  trigger(): void {
    if (!this.active) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.reconcile();
        } catch (err) {
          if (this.active) this.log(`controller: ${errorMessage(err)}; retrying`);
          this.again = this.active;
          await new Promise((r) => setTimeout(r, 500));
        }
      } while (this.again && this.active);
      this.running = undefined;
    })();
  }

  private async reconcile(): Promise<void> {
    const zk = this.zk();
    const live = new Set((await zk.children(ZkPaths.brokerIds)).map(Number));
    for (const topic of await zk.children(ZkPaths.brokerTopics)) {
      if (!this.active) return;
      let replicas: number[][];
      try {
        replicas = parseTopicAssignment((await zk.get(ZkPaths.topic(topic))).data.toString()).replicas;
      } catch (err) {
        if (isZkError(err, 'NONODE')) continue;
        throw err;
      }
      const unclean = await this.uncleanAllowed(topic);
      for (let p = 0; p < replicas.length; p++) await this.reconcilePartition(topic, p, replicas[p], live, unclean);
    }
  }

  private async reconcilePartition(topic: string, p: number, replicas: number[], live: Set<number>, unclean: boolean): Promise<void> {
    const zk = this.zk();
    const path = ZkPaths.partitionState(topic, p);
    for (let attempt = 0; attempt < 5 && this.active; attempt++) {
      let current: PartitionStateData;
      let version: number;
      try {
        const {data, stat} = await zk.get(path);
        current = parsePartitionState(data.toString());
        version = stat.version;
      } catch (err) {
        if (isZkError(err, 'NONODE')) return;
        throw err;
      }
      const next = electLeader(current, replicas, live, unclean);
      if (!next) return;
      const {epoch, zkVersion} = this.controllerEpoch();
      const state = {...next, controllerEpoch: epoch};
      try {
        // Fenced: if another controller was elected since (it bumped /controller_epoch), nothing is written.
        await zk.multi([
          {op: 'check', path: ZkPaths.controllerEpoch, version: zkVersion},
          {op: 'set', path, data: partitionState(state), version},
        ]);
        const what = state.leader !== current.leader ? `leader ${current.leader} -> ${state.leader} (epoch ${state.leaderEpoch})` : 'isr';
        this.log(`controller: ${topic}-${p}: ${what}, isr [${state.isr.join(',')}]`);
        return;
      } catch (err) {
        if (!isZkError(err, 'BADVERSION')) throw err;
        if ((await zk.exists(ZkPaths.controllerEpoch))?.version !== zkVersion) {
          this.log(`controller: /controller_epoch moved past epoch ${epoch}: another controller was elected; stepping down`);
          this.deactivate();
          return;
        }
      }
    }
  }

  private async uncleanAllowed(topic: string): Promise<boolean> {
    try {
      const own = parseTopicConfig((await this.zk().get(ZkPaths.topicConfig(topic))).data.toString())['unclean.leader.election.enable'];
      return own === undefined ? this.uncleanDefault() : own.trim().toLowerCase() === 'true';
    } catch (err) {
      if (isZkError(err, 'NONODE')) return this.uncleanDefault();
      throw err;
    }
  }
}

/**
 * The new state of one partition given the live brokers, or undefined when nothing changes
 * (Kafka's offlinePartitionLeaderElection plus removing dead replicas from the ISR).
 */
export function electLeader(current: PartitionStateData, replicas: number[], live: Set<number>, unclean: boolean): Omit<PartitionStateData, 'controllerEpoch'> | undefined {
  const liveIsr = current.isr.filter((id) => live.has(id));
  if (current.leader >= 0 && live.has(current.leader)) {
    if (liveIsr.length === current.isr.length) return undefined;
    return {leader: current.leader, leaderEpoch: current.leaderEpoch, isr: liveIsr};
  }
  const clean = replicas.find((id) => live.has(id) && liveIsr.includes(id));
  if (clean !== undefined) return {leader: clean, leaderEpoch: current.leaderEpoch + 1, isr: liveIsr};
  const anyLive = replicas.find((id) => live.has(id));
  if (unclean && anyLive !== undefined) return {leader: anyLive, leaderEpoch: current.leaderEpoch + 1, isr: [anyLive]};
  // Offline: no leader; the ISR keeps its last member, so that broker is elected when it returns.
  const isr = liveIsr.length > 0 ? liveIsr : current.leader >= 0 ? [current.leader] : current.isr;
  if (current.leader === -1 && isr.length === current.isr.length) return undefined;
  return {leader: -1, leaderEpoch: current.leaderEpoch + (current.leader === -1 ? 0 : 1), isr};
}
