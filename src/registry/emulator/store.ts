/**
 * The emulated registry's state and rules: global schema ids, subjects with numbered versions,
 * compatibility levels. Every change is written whole to `registry.json` in the data dir
 * (atomically) before it is answered, so it survives restarts.
 */
import fs from 'node:fs';
import path from 'node:path';
import avro from 'avsc';
import {UserError} from '../../lib/errors.js';
import {writeFileAtomic} from '../../lib/fs.js';
import {compatibilityProblems, DEFAULT_COMPATIBILITY, isCompatibilityLevel, type CompatibilityLevel, type PriorSchema} from '../compatibility.js';

/** An error answer in the registry's shape: HTTP status plus {error_code, message}. */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const subjectNotFound = (subject: string) => new RegistryError(404, 40401, `Subject '${subject}' not found.`);
const versionNotFound = (version: number) => new RegistryError(404, 40402, `Version ${version} not found.`);
const schemaNotFound = (id?: number) => new RegistryError(404, 40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`);
const invalidSchema = (detail: string) => new RegistryError(422, 42201, `Invalid schema: ${detail}`);
const invalidLevel = () =>
  new RegistryError(422, 42203, 'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive');

interface VersionEntry {
  version: number;
  id: number;
  deleted?: boolean;
}

interface SubjectEntry {
  versions: VersionEntry[];
  /** soft-deleted: hidden until registered again or deleted permanently */
  deleted?: boolean;
}

interface State {
  nextId: number;
  /** id -> schema text (compact JSON) */
  schemas: Record<string, string>;
  subjects: Record<string, SubjectEntry>;
  compatibility: CompatibilityLevel;
  subjectCompatibility: Record<string, CompatibilityLevel>;
}

export interface SubjectVersion {
  subject: string;
  id: number;
  version: number;
  schema: string;
}

/** A version number from a path: "latest" and -1 mean the newest. */
export type VersionRef = number | 'latest';

export interface SchemaInput {
  schema?: unknown;
  schemaType?: unknown;
  references?: unknown;
}

const STATE_FILE = 'registry.json';

export class RegistryStore {
  private readonly types = new Map<number, avro.Type>();

  private constructor(
    private state: State,
    private readonly file: string | undefined,
  ) {}

  static open(dataDir?: string): RegistryStore {
    if (!dataDir) return new RegistryStore(freshState(), undefined);
    fs.mkdirSync(dataDir, {recursive: true, mode: 0o700});
    const file = path.join(dataDir, STATE_FILE);
    return new RegistryStore(readState(file), file);
  }

  subjects(includeDeleted: boolean): string[] {
    return Object.keys(this.state.subjects)
      .filter((s) => includeDeleted || this.live(s).length > 0)
      .sort();
  }

  versions(subject: string): number[] {
    const live = this.live(subject);
    if (live.length === 0) throw subjectNotFound(subject);
    return live.map((v) => v.version);
  }

  version(subject: string, ref: VersionRef): SubjectVersion {
    const entry = this.find(subject, ref);
    return {subject, id: entry.id, version: entry.version, schema: this.state.schemas[entry.id]};
  }

  schemaById(id: number): string {
    const schema = this.state.schemas[id];
    if (schema === undefined) throw schemaNotFound(id);
    return schema;
  }

  /** Where schema `id` is registered: [{subject, version}]. */
  usages(id: number): Array<{subject: string; version: number}> {
    this.schemaById(id);
    const out: Array<{subject: string; version: number}> = [];
    for (const subject of this.subjects(false)) for (const v of this.live(subject)) if (v.id === id) out.push({subject, version: v.version});
    return out;
  }

  /** Registers `input` under `subject` (same schema again: same id, no new version). */
  register(subject: string, input: SchemaInput): number {
    const {text, type} = parseSchema(input);
    const live = this.live(subject);
    const existing = live.find((v) => this.state.schemas[v.id] === text);
    if (existing) return existing.id;
    const level = this.compatibility(subject);
    const problems = compatibilityProblems(type, this.prior(live), level);
    if (problems.length > 0) {
      throw new RegistryError(409, 409, `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${problems.join('; ')}`);
    }
    let id = Number(Object.keys(this.state.schemas).find((k) => this.state.schemas[k] === text));
    if (!Number.isInteger(id)) {
      id = this.state.nextId++;
      this.state.schemas[id] = text;
      this.types.set(id, type);
    }
    const entry = (this.state.subjects[subject] ??= {versions: []});
    const last = entry.versions.at(-1)?.version ?? 0;
    entry.versions.push({version: last + 1, id});
    delete entry.deleted;
    this.save();
    return id;
  }

  /** The version of `subject` that holds exactly this schema. */
  lookup(subject: string, input: SchemaInput): SubjectVersion {
    const {text} = parseSchema(input);
    const live = this.live(subject);
    if (live.length === 0) throw subjectNotFound(subject);
    const found = live.find((v) => this.state.schemas[v.id] === text);
    if (!found) throw schemaNotFound();
    return {subject, id: found.id, version: found.version, schema: text};
  }

  /**
   * Problems `input` would have as the next version: against one version (`ref`), or against
   * what the subject's level compares with when `ref` is undefined.
   */
  check(subject: string, input: SchemaInput, ref?: VersionRef): string[] {
    const {type} = parseSchema(input);
    const live = this.live(subject);
    const level = this.compatibility(subject);
    if (ref === undefined || (ref === 'latest' && live.length === 0)) return compatibilityProblems(type, this.prior(live), level);
    const entry = this.find(subject, ref);
    return compatibilityProblems(type, this.prior([entry]), level);
  }

  /** Soft delete (hidden, numbers kept) or, after one, permanent; returns the versions deleted. */
  deleteSubject(subject: string, permanent: boolean): number[] {
    const entry = this.state.subjects[subject];
    if (!entry) throw subjectNotFound(subject);
    if (permanent) {
      if (this.live(subject).length > 0) throw new RegistryError(404, 40405, `Subject '${subject}' was not deleted first before being permanently deleted`);
      delete this.state.subjects[subject];
      delete this.state.subjectCompatibility[subject];
      this.save();
      return entry.versions.map((v) => v.version);
    }
    const live = this.live(subject);
    if (live.length === 0) throw new RegistryError(404, 40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`);
    for (const v of live) v.deleted = true;
    entry.deleted = true;
    this.save();
    return live.map((v) => v.version);
  }

  globalCompatibility(): CompatibilityLevel {
    return this.state.compatibility;
  }

  /** The subject's own level, or undefined when it has none. */
  subjectCompatibility(subject: string): CompatibilityLevel | undefined {
    return this.state.subjectCompatibility[subject];
  }

  /** The level that applies to `subject`: its own, else the global one. */
  compatibility(subject: string): CompatibilityLevel {
    return this.state.subjectCompatibility[subject] ?? this.state.compatibility;
  }

  setCompatibility(subject: string | undefined, level: unknown): CompatibilityLevel {
    const upper = typeof level === 'string' ? level.toUpperCase() : level;
    if (!isCompatibilityLevel(upper)) throw invalidLevel();
    if (subject === undefined) this.state.compatibility = upper;
    else this.state.subjectCompatibility[subject] = upper;
    this.save();
    return upper;
  }

  /** Removes the subject's own level; returns it. */
  deleteSubjectCompatibility(subject: string): CompatibilityLevel | undefined {
    const old = this.state.subjectCompatibility[subject];
    if (old === undefined) return undefined;
    delete this.state.subjectCompatibility[subject];
    this.save();
    return old;
  }

  private live(subject: string): VersionEntry[] {
    return (this.state.subjects[subject]?.versions ?? []).filter((v) => !v.deleted);
  }

  private find(subject: string, ref: VersionRef): VersionEntry {
    const live = this.live(subject);
    if (live.length === 0) throw subjectNotFound(subject);
    const entry = ref === 'latest' ? live.at(-1) : live.find((v) => v.version === ref);
    if (!entry) throw versionNotFound(ref as number);
    return entry;
  }

  private prior(versions: VersionEntry[]): PriorSchema[] {
    return versions.map((v) => ({version: v.version, type: this.type(v.id)}));
  }

  private type(id: number): avro.Type {
    let type = this.types.get(id);
    if (!type) {
      type = avro.Type.forSchema(JSON.parse(this.state.schemas[id]) as avro.Schema);
      this.types.set(id, type);
    }
    return type;
  }

  /**
   * Writes the changed state before it is answered. When it cannot be written (a full disk), the
   * change is undone: the state goes back to what the file holds, so nothing is served (or
   * answered again to a retry) that a restart would not find.
   */
  private save(): void {
    if (!this.file) return;
    try {
      writeFileAtomic(this.file, `${JSON.stringify(this.state, null, 1)}\n`);
    } catch (err) {
      this.state = readState(this.file);
      this.types.clear();
      throw err;
    }
  }
}

function freshState(): State {
  return {nextId: 1, schemas: dict(), subjects: dict(), compatibility: DEFAULT_COMPATIBILITY, subjectCompatibility: dict()};
}

/**
 * Subjects are named by clients: kept in objects without a prototype, so "__proto__" or
 * "constructor" are subjects like any other, not Object.prototype's properties.
 */
function dict<T>(entries: Record<string, T> = {}): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

/** The state `file` holds (a fresh one when there is no file yet). */
function readState(file: string): State {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return freshState();
    throw err;
  }
  try {
    const state = {...freshState(), ...(JSON.parse(text) as State)};
    return {...state, schemas: dict(state.schemas), subjects: dict(state.subjects), subjectCompatibility: dict(state.subjectCompatibility)};
  } catch (err) {
    throw new UserError(`${file} is damaged: ${(err as Error).message}`, 'restore it, or move it away to start with an empty registry');
  }
}

/** A registration body's schema: compact JSON text and its Avro type, or 42201 saying why not. */
function parseSchema(input: SchemaInput): {text: string; type: avro.Type} {
  if (input.schemaType !== undefined && input.schemaType !== null && input.schemaType !== 'AVRO') {
    throw invalidSchema(`schema type ${JSON.stringify(input.schemaType)}: kcollect's registry emulator serves AVRO schemas only`);
  }
  if (Array.isArray(input.references) && input.references.length > 0) throw invalidSchema("schema references are not supported by kcollect's registry emulator");
  if (typeof input.schema !== 'string' || input.schema.trim() === '') throw invalidSchema('the body needs "schema", the Avro schema as a JSON string');
  let json: unknown;
  try {
    json = JSON.parse(input.schema);
  } catch (err) {
    throw invalidSchema(`not JSON: ${(err as Error).message}`);
  }
  try {
    return {text: JSON.stringify(json), type: avro.Type.forSchema(json as avro.Schema)};
  } catch (err) {
    throw invalidSchema((err as Error).message);
  }
}
