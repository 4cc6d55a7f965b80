/**
 * Transaction markers (KIP-98): a control batch (transactional + control attributes) holding one
 * record whose key is {version int16 = 0, type int16: 0 ABORT, 1 COMMIT} and whose value is
 * {version int16 = 0, coordinatorEpoch int32}. Consumers never hand these records to applications.
 */
import {Reader} from '../reader.js';
import {Attr, BATCH_HEADER_SIZE, readBatchHeader} from './batch.js';
import {encodeBatchUncompressed} from './records.js';

export type Marker = 'COMMIT' | 'ABORT';

export function controlBatch(producerId: number, producerEpoch: number, marker: Marker, coordinatorEpoch: number, timestamp = Date.now()): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(marker === 'COMMIT' ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return encodeBatchUncompressed([{key, value, timestamp}], {producerId, producerEpoch, transactional: true, control: true});
}

export function isControlBatch(attributes: number): boolean {
  return (attributes & Attr.control) !== 0;
}

/** The marker of a control batch (undefined for anything else, or an unknown control type). */
export function markerOf(batch: Buffer): Marker | undefined {
  const h = readBatchHeader(batch);
  if (!isControlBatch(h.attributes) || h.recordsCount < 1) return undefined;
  const r = new Reader(batch, BATCH_HEADER_SIZE, h.size);
  r.varint(); // record length
  r.int8(); // attributes
  r.varlong(); // timestamp delta
  r.varint(); // offset delta
  if (r.varint() < 4) return undefined;
  r.int16(); // key version
  const type = r.int16();
  return type === 1 ? 'COMMIT' : type === 0 ? 'ABORT' : undefined;
}
