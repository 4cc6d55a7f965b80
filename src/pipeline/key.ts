import {BugError} from '../lib/errors.js';
import type {Event} from './event.js';

export interface KeyOptions {
  /** Take the key from this header (Flume's KafkaSink uses `key`). */
  keyHeader?: string;
  /** Else from this field of the body, 1-based (`2` is the car number in the smart-car logs). */
  keyField?: number;
  /** Default `,`. */
  fieldSeparator?: string;
}

/**
 * The Kafka key of an event: the header when it is set, else the CSV field, else null (no key:
 * records spread over partitions). The field is cut from the bytes without decoding the body; a
 * line with too few fields has no key.
 */
export function keyOf(event: Event, {keyHeader, keyField, fieldSeparator = ','}: KeyOptions): Buffer | null {
  if (keyHeader !== undefined) {
    const value = event.headers[keyHeader];
    if (value !== undefined) return Buffer.from(value, 'utf8');
  }
  if (keyField === undefined) return null;
  // The command line and the agent-file schema check these; a bad value here is ours.
  if (!Number.isSafeInteger(keyField) || keyField < 1 || fieldSeparator === '') throw new BugError(`keyOf: bad keyField ${keyField} or empty separator`);
  const body = event.body;
  const sep = Buffer.from(fieldSeparator, 'utf8');
  let start = 0;
  for (let field = 1; field < keyField; field++) {
    const at = body.indexOf(sep, start);
    if (at < 0) return null;
    start = at + sep.length;
  }
  const end = body.indexOf(sep, start);
  return body.subarray(start, end < 0 ? body.length : end);
}
