import {Reader} from './reader.js';
import {Writer} from './writer.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/**
 * Reads the request header. The client id is a classic int16 string even in header v2; flexible
 * requests then carry a tagged-field section, which we skip.
 */
export function readRequestHeader(r: Reader, flexible: (apiKey: number, version: number) => boolean): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString();
  if (flexible(apiKey, apiVersion)) skipTaggedFields(r);
  return {apiKey, apiVersion, correlationId, clientId};
}

export function writeRequestHeader(w: Writer, h: RequestHeader, flexible: boolean): void {
  w.int16(h.apiKey).int16(h.apiVersion).int32(h.correlationId).nullableString(h.clientId);
  if (flexible) w.uvarint(0);
}

/** Response header v0 (correlation id) or v1 (plus tags). ApiVersions always uses v0. */
export function writeResponseHeader(w: Writer, correlationId: number, apiKey: number, flexible: boolean): void {
  w.int32(correlationId);
  if (flexible && apiKey !== 18) w.uvarint(0);
}

export function readResponseHeader(r: Reader, apiKey: number, flexible: boolean): number {
  const correlationId = r.int32();
  if (flexible && apiKey !== 18) skipTaggedFields(r);
  return correlationId;
}

function skipTaggedFields(r: Reader): void {
  const n = r.uvarint();
  for (let i = 0; i < n; i++) {
    r.uvarint();
    r.raw(r.uvarint());
  }
}
