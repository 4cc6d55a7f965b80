/**
 * Reads the partitions a group member owns, across the group's rebalances, with one fetch whose
 * partitions follow the assignment (LivePartitions). Shared by the group drain and `consume -g`.
 *
 * - range (eager): one generation. When the group rebalances, the reading ends; the caller
 *   finishes and commits every partition, then reads again (and joins anew).
 * - cooperative-sticky (KIP-429): the member joins again while it reads. Partitions kept go on
 *   being fetched from where they are (nothing is read again); partitions no longer assigned are
 *   taken out of the fetch and handed to `onRevoked` (finish and commit them), after which the
 *   member joins again at once so that the group hands them on; partitions added start at their
 *   committed offsets. The reading ends only when `ended` aborts (the caller stops, or a commit
 *   failed) or the member lost its partitions (fenced: they may be another member's already).
 */
import {type FetchedRecord, fetchRecords, LivePartitions} from './fetcher.js';
import type {AssignorName} from './client-settings.js';
import {type GroupMember, type OnRebalance, PartitionsLostError} from './wire-group.js';

export interface RebalanceChange {
  generation: number;
  protocol: AssignorName;
  /** The member's partitions in this generation. */
  assigned: number[];
  /** Taken from this member (finished and committed before it joined again). */
  revoked: number[];
  /** New to this member (read from their committed offsets). */
  added: number[];
}

export interface OwnedReadingOptions {
  member: GroupMember;
  brokers: string[];
  clientId: string;
  topic: string;
  /** Where a partition with no committed offset starts (auto.offset.reset). */
  otherwise: 'beginning' | 'end';
  /** Ends the reading; aborted here too, when a range generation ends or the partitions are lost. */
  ended: AbortController;
  /** Where reading a partition starts, from its committed offset (default: there). */
  resumeFrom?: (partition: number, committed: number) => number;
  /** Partitions now this member's, with the offsets they start at (-1: none committed); called before they are fetched. */
  onAssigned(offsets: Map<number, number>): void;
  /** Partitions no longer fetched: finish and commit what is in hand of them. The member joins again once this settles. */
  onRevoked(partitions: number[]): Promise<void>;
  /** Each generation joined, once its revocations and additions are done. */
  onRebalance?: (change: RebalanceChange) => void;
  /** The records fetched, of owned partitions only; the next fetch of their leader waits for it. */
  deliver(records: FetchedRecord[]): Promise<unknown>;
  /** What a failed fetch is thrown as (default: itself); a failed join is thrown as it is. */
  fetchFailed?: (err: unknown) => unknown;
}

/** Reads until `ended` aborts; returns the partitions still owned then (the caller finishes them). */
export async function readOwnedPartitions(options: OwnedReadingOptions): Promise<number[]> {
  const {member, ended, topic} = options;
  const live = new LivePartitions();
  const owned = new Set<number>();
  let failure: unknown;
  let rejoin = false;
  let wakeRejoin = () => undefined as void;
  const onRebalance: OnRebalance = (lost) => {
    // Eager: everything stops before the member joins again. Lost: nothing may be committed.
    if (lost || !member.cooperative) return ended.abort();
    rejoin = true;
    wakeRejoin();
  };
  const fetching = fetchRecords({brokers: options.brokers, clientId: options.clientId, topic, live, start: {kind: 'beginning'}, signal: ended.signal}, (records) => {
    const mine = records.filter((r) => owned.has(r.partition));
    return mine.length > 0 ? options.deliver(mine) : undefined;
  }).catch((err: unknown) => {
    failure ??= err;
    ended.abort();
  });
  ended.signal.addEventListener('abort', () => wakeRejoin(), {once: true});
  const endedOrRejoin = () =>
    new Promise<void>((resolve) => {
      wakeRejoin = resolve;
      if (rejoin || ended.signal.aborted) resolve();
    });
  try {
    while (!ended.signal.aborted) {
      rejoin = false;
      let assigned: number[];
      try {
        assigned = await member.join(onRebalance, ended.signal, [...owned].sort((a, b) => a - b));
      } catch (err) {
        // Stopped while joining: the join's failure (a connection closed on the way) is not the caller's.
        if (ended.signal.aborted) break;
        if (!(err instanceof PartitionsLostError)) throw err;
        owned.clear();
        ended.abort();
        break;
      }
      const revoked = [...owned].filter((p) => !assigned.includes(p));
      const added = assigned.filter((p) => !owned.has(p));
      if (revoked.length > 0) {
        for (const p of revoked) owned.delete(p);
        await live.remove(revoked);
        await options.onRevoked(revoked);
      }
      if (added.length > 0 && !ended.signal.aborted) {
        const offsets = await member.committed(added, ended.signal).catch((err: unknown) => {
          if (!ended.signal.aborted) throw err;
        });
        if (!offsets) break;
        if (options.resumeFrom) for (const [p, committed] of offsets) if (committed >= 0) offsets.set(p, options.resumeFrom(p, committed));
        options.onAssigned(offsets);
        for (const p of added) owned.add(p);
        await live.add(added, {kind: 'committed', offsets, otherwise: options.otherwise});
      }
      options.onRebalance?.({generation: member.generation, protocol: member.protocol!, assigned: [...assigned].sort((a, b) => a - b), revoked, added});
      // Kafka's rule: partitions revoked, join again at once, so that the group hands them on.
      if (revoked.length > 0 && member.cooperative) continue;
      await endedOrRejoin();
    }
  } finally {
    ended.abort();
    // A deliver under way finishes first (the fetch waits for it).
    await fetching;
  }
  if (failure !== undefined) throw options.fetchFailed ? options.fetchFailed(failure) : failure;
  return [...owned];
}
