import type {StoredOffset} from '../coordinator/group-store.js';
import type {ZkClient} from '../zk/client.js';
import {isZkError} from '../zk/errors.js';
import {consumerOffsetPath, consumerOffsetsRoot, ZkPaths} from './zk-layout.js';

/**
 * Committed offsets that earlier versions kept in ZooKeeper, in Kafka's ZooKeeper-era layout
 * (/consumers/<group>/offsets/<topic>/<partition>, the offset in decimal): read once by the
 * group's coordinator to move them into __consumer_offsets (see removeOffsets).
 */
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

/** Groups that still have offsets in the ZooKeeper layout. */
export async function groupsWithZkOffsets(zk: ZkClient): Promise<string[]> {
  return zk.children(ZkPaths.consumers).catch((err) => {
    if (isZkError(err, 'NONODE')) return [];
    throw err;
  });
}

/** Done with the ZooKeeper layout of this group: its offsets now live in __consumer_offsets. */
export async function removeOffsets(zk: ZkClient, groupId: string): Promise<void> {
  await zk.remove(`${ZkPaths.consumers}/${groupId}`, {recursive: true}).catch((err) => {
    if (!isZkError(err, 'NONODE')) throw err;
  });
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
