/**
 * Kafka messages as data: each API is a list of fields with the versions they exist in, the way
 * Kafka's own JSON specs describe them (shared/reference/kafka-protocol/). One interpreter
 * (codec.ts) encodes and decodes every version of every message from these definitions.
 */

export type Primitive =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  /** RecordBatch bytes: kept as a Buffer slice of the frame, never parsed by the codec. */
  | 'records'
  | 'uuid';

/** A version range as the specs write it: "0+", "3-5", "7", or "none". */
export type Versions = string;

export interface Field {
  /** camelCase of the spec's PascalCase name. */
  name: string;
  type: Primitive | Field[];
  /** An array of `type` (of structs when type is a Field list). */
  array?: boolean;
  versions: Versions;
  nullableVersions?: Versions;
  /** Tagged fields (flexible versions only) are written only when they differ from the default. */
  tag?: number;
  taggedVersions?: Versions;
  default?: unknown;
}

export interface MessageSchema {
  /** The versions we define (a subset of Kafka's validVersions). */
  versions: Versions;
  flexibleVersions: Versions;
  fields: Field[];
}

export interface ApiSchema {
  apiKey: number;
  name: string;
  request: MessageSchema;
  response: MessageSchema;
}

export function parseVersions(v: Versions): [number, number] | null {
  if (v === 'none') return null;
  const plus = /^(\d+)\+$/.exec(v);
  if (plus) return [Number(plus[1]), Infinity];
  const range = /^(\d+)-(\d+)$/.exec(v);
  if (range) return [Number(range[1]), Number(range[2])];
  if (/^\d+$/.test(v)) return [Number(v), Number(v)];
  throw new Error(`bad version range "${v}"`);
}

export function inVersions(v: Versions | undefined, version: number): boolean {
  if (v === undefined) return false;
  const r = parseVersions(v);
  return r !== null && version >= r[0] && version <= r[1];
}

// Terse constructors so definitions read like the spec.
type Opts = Omit<Field, 'name' | 'type' | 'versions'>;
export const field = (name: string, type: Primitive, versions: Versions = '0+', opts: Opts = {}): Field => ({name, type, versions, ...opts});
export const array = (name: string, type: Primitive | Field[], versions: Versions = '0+', opts: Opts = {}): Field => ({name, type, versions, array: true, ...opts});
