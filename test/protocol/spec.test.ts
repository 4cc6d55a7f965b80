import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {decode, encode, isFlexible} from '../../src/protocol/codec.js';
import {SCHEMAS} from '../../src/protocol/messages/index.js';
import {Reader} from '../../src/protocol/reader.js';
import {type ApiSchema, type Field, type MessageSchema, type Primitive, inVersions, parseVersions} from '../../src/protocol/schema.js';

/**
 * Our message definitions checked against Kafka's own JSON specs (3.8.0 copy in
 * shared/reference/kafka-protocol/), version by version, plus a generic encode/decode round trip.
 */

/** ../shared beside the checkout, found from any depth (a worktree under another directory too). */
function findSpecDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'reference', 'kafka-protocol');
    if (existsSync(candidate) || path.dirname(dir) === dir) return candidate;
  }
}
const SPEC_DIR = findSpecDir(path.resolve(import.meta.dirname, '../../..'));
const HAVE_SPECS = existsSync(SPEC_DIR);

const PRIMITIVES = new Set<string>(['bool', 'int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'string', 'bytes', 'records', 'uuid']);

interface SpecField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  flexibleVersions?: string;
  tag?: number;
  taggedVersions?: string;
  default?: unknown;
  fields?: SpecField[];
}
interface SpecMessage {
  apiKey: number;
  type: 'request' | 'response';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: SpecField[];
  commonStructs?: {name: string; versions: string; fields: SpecField[]}[];
}

/** Removes `//` comments (outside string literals) so the spec files parse as JSON. */
function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      out += c;
    }
  }
  return out;
}

function loadSpec(file: string): SpecMessage {
  // more/ holds the specs of the APIs beyond the first set (transactions, ACLs, incremental configs);
  // optional/ the inter-broker ones and SASL.
  const at = [path.join(SPEC_DIR, file), path.join(SPEC_DIR, 'more', file), path.join(SPEC_DIR, 'optional', file)].find((f) => existsSync(f)) ?? path.join(SPEC_DIR, file);
  return JSON.parse(stripComments(readFileSync(at, 'utf8'))) as SpecMessage;
}

const camel = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

/** One field as seen in one version: what both sides must agree on. */
interface Shape {
  name: string;
  type: string | Shape[];
  array: boolean;
  nullable: boolean;
  tag: number | null;
}

function versionsOf(range: string): number[] {
  const r = parseVersions(range);
  if (!r || !Number.isFinite(r[1])) throw new Error(`expected a closed version range, got "${range}"`);
  const out: number[] = [];
  for (let v = r[0]; v <= r[1]; v++) out.push(v);
  return out;
}

/** The spec's active fields for a version: regular ones in order, then tagged ones by tag. */
function specShape(fields: SpecField[], v: number, flexible: boolean, spec: SpecMessage): Shape[] {
  const regular: Shape[] = [];
  const tagged: Shape[] = [];
  for (const f of fields) {
    if (!inVersions(f.versions, v)) continue;
    if (f.flexibleVersions !== undefined) throw new Error(`${f.name}: field-level flexibleVersions cannot be expressed in our DSL`);
    const array = f.type.startsWith('[]');
    const elem = array ? f.type.slice(2) : f.type;
    let type: string | Shape[];
    if (PRIMITIVES.has(elem)) {
      type = elem;
    } else {
      const structFields = f.fields ?? spec.commonStructs?.find((s) => s.name === elem)?.fields;
      if (!structFields) throw new Error(`${f.name}: unknown type ${f.type}`);
      type = specShape(structFields, v, flexible, spec);
    }
    const isTagged = f.tag !== undefined && flexible && inVersions(f.taggedVersions ?? f.versions, v);
    const shape: Shape = {name: camel(f.name), type, array, nullable: inVersions(f.nullableVersions, v), tag: isTagged ? f.tag! : null};
    (isTagged ? tagged : regular).push(shape);
  }
  return [...regular, ...tagged.sort((a, b) => a.tag! - b.tag!)];
}

/** Ours for a version, resolved the way codec.ts resolves them. */
function ourShape(fields: Field[], v: number, flexible: boolean): Shape[] {
  const regular: Shape[] = [];
  const tagged: Shape[] = [];
  for (const f of fields) {
    if (!inVersions(f.versions, v)) continue;
    const isTagged = f.tag !== undefined;
    if (isTagged && !(flexible && inVersions(f.taggedVersions ?? f.versions, v))) continue; // the codec drops it
    const shape: Shape = {
      name: f.name,
      type: Array.isArray(f.type) ? ourShape(f.type, v, flexible) : f.type,
      array: f.array === true,
      nullable: inVersions(f.nullableVersions, v),
      tag: isTagged ? f.tag! : null,
    };
    (isTagged ? tagged : regular).push(shape);
  }
  return [...regular, ...tagged.sort((a, b) => a.tag! - b.tag!)];
}

/** A spec default as a JS value, or undefined when it is the type's zero (or absent). */
function specDefault(f: SpecField): {value: unknown} | undefined {
  const d = f.default;
  if (d === undefined || f.type.startsWith('[]')) return undefined;
  let value: unknown;
  if (d === 'null') value = null;
  else if (typeof d === 'number' || typeof d === 'boolean') value = d;
  else if (f.type === 'bool') value = d === 'true';
  else if (f.type === 'string') value = d;
  else if (typeof d === 'string') value = Number(d);
  else throw new Error(`${f.name}: unreadable default ${String(d)}`);
  const zero = f.type === 'bool' ? false : f.type === 'string' ? '' : 0;
  return value === zero ? undefined : {value};
}

/** Every non-zero default the spec gives (on a field active in v) must be ours too. */
function defaultProblems(specFields: SpecField[], ours: Field[], v: number, spec: SpecMessage, at: string): string[] {
  const problems: string[] = [];
  for (const sf of specFields) {
    if (!inVersions(sf.versions, v)) continue;
    const of = ours.find((f) => f.name === camel(sf.name) && inVersions(f.versions, v));
    if (!of) continue; // a missing field is reported by the shape comparison
    const d = specDefault(sf);
    if (d && !Object.is(of.default, d.value)) problems.push(`${at}${of.name}: default ${String(of.default)}, spec says ${String(d.value)}`);
    const elem = sf.type.startsWith('[]') ? sf.type.slice(2) : sf.type;
    const nested = sf.fields ?? spec.commonStructs?.find((s) => s.name === elem)?.fields;
    if (nested && Array.isArray(of.type)) problems.push(...defaultProblems(nested, of.type, v, spec, `${at}${of.name}.`));
  }
  return problems;
}

type Direction = 'request' | 'response';
const DIRECTIONS: Direction[] = ['request', 'response'];
const fileFor = (api: ApiSchema, dir: Direction): string => `${api.name}${dir === 'request' ? 'Request' : 'Response'}.json`;

describe.skipIf(!HAVE_SPECS)(HAVE_SPECS ? 'definitions match the official Kafka JSON specs' : `definitions vs Kafka JSON specs: SKIPPED, ${SPEC_DIR} does not exist`, () => {
  for (const api of SCHEMAS) {
    for (const dir of DIRECTIONS) {
      const ours: MessageSchema = api[dir];
      describe(`${api.name} ${dir} (${fileFor(api, dir)})`, () => {
        // Loaded lazily: when the folder is missing the suite is skipped, but still collected.
        let loaded: SpecMessage | undefined;
        const getSpec = (): SpecMessage => (loaded ??= loadSpec(fileFor(api, dir)));

        it('names the same api key, and our versions lie within the spec validVersions', () => {
          const spec = getSpec();
          expect(spec.apiKey).toBe(api.apiKey);
          expect(spec.type).toBe(dir);
          const valid = versionsOf(spec.validVersions);
          for (const v of versionsOf(ours.versions)) expect(valid, `v${v}`).toContain(v);
        });

        for (const v of versionsOf(ours.versions)) {
          it(`v${v}: same flexibility, fields, types, nullability, tags and defaults`, () => {
            const spec = getSpec();
            const flexible = inVersions(spec.flexibleVersions, v);
            expect(isFlexible(ours, v), 'flexible').toBe(flexible);
            expect(ourShape(ours.fields, v, flexible)).toEqual(specShape(spec.fields, v, flexible, spec));
            expect(defaultProblems(spec.fields, ours.fields, v, spec, '')).toEqual([]);
          });
        }
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Round trip: decode(encode(x)) == x for a generated value of every version of every message.

type Mode = 'full' | 'sparse';

function primitiveSample(type: Primitive, n: number): unknown {
  switch (type) {
    case 'bool':
      return true;
    case 'int8':
      return n % 2 ? -(n % 100) - 1 : (n % 100) + 1;
    case 'int16':
      return n % 2 ? -1000 - n : 1000 + n;
    case 'uint16':
      return 60000 + (n % 5000);
    case 'int32':
      return n % 2 ? -2_000_000_000 + n : 2_000_000_000 - n;
    case 'int64':
      return n % 2 ? -(2 ** 50) - n : 2 ** 52 + n;
    case 'float64':
      return n + 0.5;
    case 'string':
      return `s${n}-ü✓`;
    case 'bytes':
    case 'records':
      return Buffer.from([n & 0xff, 0, 1, 2, 0xff]);
    case 'uuid':
      return Buffer.alloc(16, n & 0xff);
  }
}

/**
 * full: every field set (arrays of two), all distinct from defaults, so tagged fields are written.
 * sparse: nullable fields null, other arrays empty; tagged fields left at their default (not written).
 */
function sample(fields: Field[], v: number, flexible: boolean, mode: Mode, counter: {n: number}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!inVersions(f.versions, v)) continue;
    if (f.tag !== undefined) {
      if (!(flexible && inVersions(f.taggedVersions ?? f.versions, v))) continue;
      if (mode === 'sparse') {
        out[f.name] = f.default ?? null;
        continue;
      }
    }
    const nullable = inVersions(f.nullableVersions, v);
    const one = (): unknown =>
      Array.isArray(f.type) ? sample(f.type, v, flexible, mode, counter) : primitiveSample(f.type, counter.n++);
    if (mode === 'sparse' && nullable) out[f.name] = null;
    else if (f.array) out[f.name] = mode === 'sparse' ? [] : [one(), one()];
    else out[f.name] = one();
  }
  return out;
}

/** Buffers become hex strings so values compare by bytes, whatever memory they sit in. */
function norm(x: unknown): unknown {
  if (Buffer.isBuffer(x)) return `hex:${x.toString('hex')}`;
  if (Array.isArray(x)) return x.map(norm);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, val]) => [k, norm(val)]));
  return x;
}

describe('every definition round-trips through the codec', () => {
  for (const api of SCHEMAS) {
    for (const dir of DIRECTIONS) {
      const schema = api[dir];
      for (const v of versionsOf(schema.versions)) {
        const flexible = isFlexible(schema, v);
        for (const mode of ['full', 'sparse'] as const) {
          it(`${api.name} ${dir} v${v} (${mode})`, () => {
            const value = sample(schema.fields, v, flexible, mode, {n: api.apiKey * 7 + v});
            const bytes = encode(schema, v, value).toBuffer();
            const r = new Reader(bytes);
            const back = decode(schema, v, r);
            expect(r.remaining, 'bytes left over after decode').toBe(0);
            expect(norm(back)).toEqual(norm(value));
          });
        }
      }
    }
  }
});

describe('schema registry', () => {
  it('is sorted by api key, one entry per key', () => {
    const keys = SCHEMAS.map((s) => s.apiKey);
    expect(keys).toEqual([...new Set(keys)].sort((a, b) => a - b));
  });

  it('declares the same versions for request and response', () => {
    for (const api of SCHEMAS) expect(api.request.versions, api.name).toBe(api.response.versions);
  });
});
