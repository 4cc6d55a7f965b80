import {Reader, ProtocolError} from './reader.js';
import {Writer} from './writer.js';
import {type Field, type MessageSchema, inVersions} from './schema.js';

/** A decoded message: plain objects keyed by camelCase field names. */
export type Message = Record<string, any>;

/** The fields of one version, resolved once and cached. */
interface Plan {
  flexible: boolean;
  fields: PlannedField[];
  tagged: PlannedField[];
}
interface PlannedField {
  field: Field;
  nullable: boolean;
  struct?: Plan;
}

const plans = new WeakMap<object, Map<number, Plan>>();

function plan(fields: Field[], version: number, flexible: boolean): Plan {
  let byVersion = plans.get(fields);
  if (!byVersion) plans.set(fields, (byVersion = new Map()));
  let p = byVersion.get(version);
  if (p) return p;
  p = {flexible, fields: [], tagged: []};
  for (const f of fields) {
    if (!inVersions(f.versions, version)) continue;
    const planned: PlannedField = {
      field: f,
      nullable: inVersions(f.nullableVersions, version),
      struct: Array.isArray(f.type) ? plan(f.type, version, flexible) : undefined,
    };
    if (f.tag !== undefined) {
      if (flexible && inVersions(f.taggedVersions ?? f.versions, version)) p.tagged.push(planned);
    } else {
      p.fields.push(planned);
    }
  }
  p.tagged.sort((a, b) => a.field.tag! - b.field.tag!);
  byVersion.set(version, p);
  return p;
}

export function isFlexible(schema: MessageSchema, version: number): boolean {
  return inVersions(schema.flexibleVersions, version);
}

export function encode(schema: MessageSchema, version: number, value: Message, w = new Writer()): Writer {
  writeStruct(w, plan(schema.fields, version, isFlexible(schema, version)), value);
  return w;
}

export function decode(schema: MessageSchema, version: number, r: Reader): Message {
  return readStruct(r, plan(schema.fields, version, isFlexible(schema, version)));
}

function defaultOf(f: Field): unknown {
  if (f.default !== undefined) return f.default;
  if (f.array) return [];
  if (Array.isArray(f.type)) return {};
  switch (f.type) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
    case 'records':
      return Buffer.alloc(0);
    case 'uuid':
      return Buffer.alloc(16);
    default:
      return 0;
  }
}

function writeStruct(w: Writer, p: Plan, value: Message): void {
  for (const pf of p.fields) writeField(w, pf, p.flexible, value[pf.field.name]);
  if (!p.flexible) return;
  const present = p.tagged.filter((pf) => {
    const v = value[pf.field.name];
    return v !== undefined && v !== null && v !== pf.field.default;
  });
  w.uvarint(present.length);
  for (const pf of present) {
    const body = new Writer();
    writeField(body, pf, true, value[pf.field.name]);
    const bytes = body.toBuffer();
    w.uvarint(pf.field.tag!).uvarint(bytes.length).raw(bytes);
  }
}

function writeField(w: Writer, pf: PlannedField, flexible: boolean, v: any): void {
  const f = pf.field;
  if (v === undefined) v = pf.nullable && f.default === undefined ? null : defaultOf(f);
  if (f.array) {
    if (v === null) {
      if (!pf.nullable) throw new ProtocolError(`${f.name}: null array in a non-nullable field`);
      if (flexible) w.uvarint(0);
      else w.int32(-1);
      return;
    }
    if (flexible) w.uvarint(v.length + 1);
    else w.int32(v.length);
    for (const item of v) writeValue(w, pf, flexible, item);
    return;
  }
  writeValue(w, pf, flexible, v);
}

function writeValue(w: Writer, pf: PlannedField, flexible: boolean, v: any): void {
  if (pf.struct) return writeStruct(w, pf.struct, v ?? {});
  switch (pf.field.type as string) {
    case 'bool':
      w.bool(Boolean(v));
      return;
    case 'int8':
      w.int8(v);
      return;
    case 'int16':
      w.int16(v);
      return;
    case 'uint16':
      w.uint16(v);
      return;
    case 'int32':
      w.int32(v);
      return;
    case 'int64':
      w.int64(v);
      return;
    case 'float64':
      w.float64(v);
      return;
    case 'uuid':
      w.raw(v);
      return;
    case 'string':
      if (v === null && !pf.nullable) throw new ProtocolError(`${pf.field.name}: null in a non-nullable string`);
      if (flexible) w.compactNullableString(v);
      else w.nullableString(v);
      return;
    case 'bytes':
      if (flexible) w.compactNullableBytes(v);
      else w.nullableBytes(v);
      return;
    case 'records':
      // Fetch hands over the batches read from disk as a list, written without concatenating.
      if (Array.isArray(v)) return writeRecordChunks(w, flexible, v);
      if (flexible) w.compactNullableBytes(v);
      else w.nullableBytes(v);
      return;
  }
}

function writeRecordChunks(w: Writer, flexible: boolean, chunks: Buffer[]): void {
  let size = 0;
  for (const c of chunks) size += c.length;
  if (flexible) w.uvarint(size + 1);
  else w.int32(size);
  for (const c of chunks) w.raw(c);
}

function readStruct(r: Reader, p: Plan): Message {
  const out: Message = {};
  for (const pf of p.fields) out[pf.field.name] = readField(r, pf, p.flexible);
  if (!p.flexible) return out;
  for (const pf of p.tagged) out[pf.field.name] = pf.field.default ?? null;
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const known = p.tagged.find((pf) => pf.field.tag === tag);
    const body = r.raw(size);
    // Unknown tags are skipped, as the spec requires.
    if (known) out[known.field.name] = readField(new Reader(body), known, true);
  }
  return out;
}

function readField(r: Reader, pf: PlannedField, flexible: boolean): any {
  if (pf.field.array) {
    const n = r.arrayLength(flexible);
    if (n < 0) {
      if (!pf.nullable) throw new ProtocolError(`${pf.field.name}: null array in a non-nullable field`);
      return null;
    }
    const items = new Array(n);
    for (let i = 0; i < n; i++) items[i] = readValue(r, pf, flexible);
    return items;
  }
  return readValue(r, pf, flexible);
}

function readValue(r: Reader, pf: PlannedField, flexible: boolean): any {
  if (pf.struct) return readStruct(r, pf.struct);
  switch (pf.field.type as string) {
    case 'bool':
      return r.bool();
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'uint16':
      return r.uint16();
    case 'int32':
      return r.int32();
    case 'int64':
      return r.int64();
    case 'float64':
      return r.float64();
    case 'uuid':
      return r.uuid();
    case 'string': {
      const s = flexible ? r.compactNullableString() : r.nullableString();
      if (s === null && !pf.nullable) throw new ProtocolError(`${pf.field.name}: null in a non-nullable string`);
      return s;
    }
    case 'bytes':
    case 'records':
      return flexible ? r.compactNullableBytes() : r.nullableBytes();
  }
  throw new ProtocolError(`unknown type ${String(pf.field.type)}`);
}
