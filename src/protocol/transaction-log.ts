// The records of Kafka's internal `__transaction_state` topic (TransactionLogKey/Value): an int16
// version, then the struct. Kafka's own tools decode these bytes, so they must be Kafka's exactly.
import {decode, encode} from './codec.js';
import {offsetsPartitionFor} from './consumer-offsets.js';
import {Reader} from './reader.js';
import {type MessageSchema, array, field} from './schema.js';
import {Writer} from './writer.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

const TransactionLogKey: MessageSchema = {versions: '0', flexibleVersions: 'none', fields: [field('transactionalId', 'string')]};

const TransactionLogValue: MessageSchema = {
  versions: '0-1',
  flexibleVersions: '1+',
  fields: [
    field('producerId', 'int64'),
    field('producerEpoch', 'int16'),
    field('transactionTimeoutMs', 'int32'),
    field('transactionStatus', 'int8'),
    array('transactionPartitions', [field('topic', 'string'), array('partitionIds', 'int32')], '0+', {nullableVersions: '0+'}),
    field('transactionLastUpdateTimestampMs', 'int64'),
    field('transactionStartTimestampMs', 'int64'),
  ],
};

/** Kafka's TransactionState ids as stored in TransactionStatus. */
export const TxnStatus = {Empty: 0, Ongoing: 1, PrepareCommit: 2, PrepareAbort: 3, CompleteCommit: 4, CompleteAbort: 5, Dead: 6, PrepareEpochFence: 7} as const;
export type TxnStatusName = keyof typeof TxnStatus;

export interface TransactionLogValueData {
  producerId: number;
  producerEpoch: number;
  transactionTimeoutMs: number;
  transactionStatus: number;
  transactionPartitions: Array<{topic: string; partitionIds: number[]}> | null;
  transactionLastUpdateTimestampMs: number;
  transactionStartTimestampMs: number;
}

export function transactionLogKey(transactionalId: string): Buffer {
  return encode(TransactionLogKey, 0, {transactionalId}, new Writer().int16(0)).toBuffer();
}

/** Version 0, as Kafka 3.x writes it. */
export function transactionLogValue(v: TransactionLogValueData): Buffer {
  return encode(TransactionLogValue, 0, {...v}, new Writer().int16(0)).toBuffer();
}

export function decodeTransactionLogKey(buf: Buffer): string | undefined {
  const r = new Reader(buf);
  return r.int16() === 0 ? decode(TransactionLogKey, 0, r).transactionalId : undefined;
}

export function decodeTransactionLogValue(buf: Buffer): TransactionLogValueData {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 1) throw new Error(`unknown TransactionLogValue version ${version}`);
  return decode(TransactionLogValue, version, r) as TransactionLogValueData;
}

/** The same hash as groups: Utils.abs(transactionalId.hashCode) % partitions. */
export const transactionPartitionFor = offsetsPartitionFor;
