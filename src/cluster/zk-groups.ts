import type {BrokerEndpoint} from '../broker/cluster-link.js';
import type {StoredOffset} from '../coordinator/group-store.js';
import type {ZkClient} from '../zk/client.js';
import {isZkError} from '../zk/errors.js';
import {consumerOffsetPath, consumerOffsetsRoot} from './zk-layout.js';

/** Java's String.hashCode, as Kafka uses to place a group. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Which broker coordinates a group: the live brokers in id order, indexed by the group's hash.
 * Every broker computes the same answer from the same /brokers/ids, and when the coordinator
 * dies its groups move to the survivors.
 */
export function coordinatorOf(groupId: string, live: BrokerEndpoint[]): BrokerEndpoint | undefined {
  if (live.length === 0) return undefined;
  return live[(javaStringHash(groupId) & 0x7fffffff) % live.length];
}

/**
 * Committed offsets in ZooKeeper, in Kafka's ZooKeeper-era layout
 * (/consumers/<group>/offsets/<topic>/<partition>, the offset in decimal), so whichever broker
 * coordinates the group next finds them. The metadata string stays with the coordinator's
 * local store only.
 */
export async function writeOffsets(zk: ZkClient, groupId: string, offsets: StoredOffset[]): Promise<void> {
  await Promise.all(
    offsets.map(async (o) => {
      const path = consumerOffsetPath(groupId, o.topic, o.partition);
      try {
        await zk.set(path, String(o.offset));
      } catch (err) {
        if (!isZkError(err, 'NONODE')) throw err;
        try {
          await zk.create(path, String(o.offset), {parents: true});
        } catch (e) {
          if (!isZkError(e, 'NODEEXISTS')) throw e;
          await zk.set(path, String(o.offset));
        }
      }
    }),
  );
}

export async function readOffsets(zk: ZkClient, groupId: string): Promise<StoredOffset[]> {
  const out: StoredOffset[] = [];
  let topics: string[];
  try {
    topics = await zk.children(consumerOffsetsRoot(groupId));
  } catch (err) {
    if (isZkError(err, 'NONODE')) return out;
    throw err;
  }
  for (const topic of topics) {
    for (const p of await zk.children(`${consumerOffsetsRoot(groupId)}/${topic}`).catch(() => [] as string[])) {
      try {
        const {data, stat} = await zk.get(consumerOffsetPath(groupId, topic, Number(p)));
        out.push({topic, partition: Number(p), offset: Number(data.toString()), leaderEpoch: -1, metadata: '', commitTimestamp: stat.mtime || Date.now()});
      } catch (err) {
        if (!isZkError(err, 'NONODE')) throw err;
      }
    }
  }
  return out;
}

/** Producer ids in blocks from /latest_producer_id_block, as Kafka's ProducerIdManager, so no two brokers hand out the same id. */
export class ZkProducerIds {
  private next = 0;
  private end = -1;
  private reserving?: Promise<void>;

  constructor(
    private readonly zk: () => ZkClient,
    private readonly brokerId: number,
    private readonly blockSize = 1000,
  ) {}

  async nextProducerId(): Promise<number> {
    while (this.next > this.end) {
      this.reserving ??= this.reserve().finally(() => (this.reserving = undefined));
      await this.reserving;
    }
    return this.next++;
  }

  private async reserve(): Promise<void> {
    const path = '/latest_producer_id_block';
    for (;;) {
      const {data, stat} = await this.zk().get(path);
      const prev = data.length > 0 ? (JSON.parse(data.toString()) as {block_end: string}) : undefined;
      const start = prev ? Number(prev.block_end) + 1 : 0;
      const end = start + this.blockSize - 1;
      try {
        await this.zk().set(path, JSON.stringify({version: 1, broker: this.brokerId, block_start: String(start), block_end: String(end)}), {version: stat.version});
        this.next = start;
        this.end = end;
        return;
      } catch (err) {
        if (!isZkError(err, 'BADVERSION')) throw err;
      }
    }
  }
}
