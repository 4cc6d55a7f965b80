/** What every converter works with: the agent's keys and what became of each (Ledger), one component's keys (Scope). Part of `kcollect agent import` (../flume-import.ts). */
import type {z} from 'zod';
import {editDistance} from '../../lib/edit-distance.js';
import type {InterceptorConfig} from '../../interceptors/schema.js';
import type {agentConfigSchema} from '../agent-config.js';
import type {Property} from '../java-properties.js';

export type AgentInput = z.input<typeof agentConfigSchema>;
export type SourceInput = AgentInput['sources'][string];
export type ChannelInput = AgentInput['channels'][string];
export type SinkInput = AgentInput['sinks'][string];
export type SinkGroupInput = NonNullable<AgentInput['sinkGroups']>[string];
export type Selector = NonNullable<SourceInput['selector']>;

/** What every kind of source takes the same way. */
export interface Common {
  channels: string[];
  batchSize?: number;
  interceptors?: InterceptorConfig[];
  selector?: Selector;
}

/** Flume type names (lower case; aliases are case-insensitive) to ours, or to why not. */
export type TypeTable = Record<string, string>;

/** The object without its undefined values. */
export function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The keys of one agent and what became of each: read (used), noted, or unconverted with a
 * reason. `sweep` lists whatever was never read, so no key goes missing.
 */
export class Ledger {
  private readonly props: Map<string, Property>;
  private readonly used = new Set<string>();
  /** Every key a converter looked for, there or not: the options it knows, for "did you mean". */
  private readonly asked = new Set<string>();
  private readonly reasons = new Map<string, string>();
  private readonly noted: Array<{key: string; note: string}> = [];
  private readonly lists = new Map<string, string[]>();
  readonly scopes = new Map<string, string>();
  /** kcollect source name -> Flume source name (a TAILDIR source may become several). */
  readonly origins = new Map<string, string>();

  constructor(props: Property[], readonly agent: string) {
    this.props = new Map(props.map((p) => [p.key, p]));
  }

  get unconverted(): Array<{key: string; reason: string}> {
    const line = (key: string) => this.props.get(key)?.line ?? Number.MAX_SAFE_INTEGER;
    return [...this.reasons].sort((a, b) => line(a[0]) - line(b[0])).map(([key, reason]) => ({key, reason}));
  }

  get notes(): Array<{key: string; note: string}> {
    const line = (key: string) => this.props.get(key)?.line ?? Number.MAX_SAFE_INTEGER;
    return [...this.noted].sort((a, b) => line(a.key) - line(b.key));
  }

  has(key: string): boolean {
    this.asked.add(key);
    return this.props.has(key);
  }

  isUsed(key: string): boolean {
    return this.used.has(key);
  }

  /** The value as written (Flume does not trim), marking the key used. */
  raw(key: string): string | undefined {
    this.asked.add(key);
    const p = this.props.get(key);
    if (p === undefined) return undefined;
    this.used.add(key);
    return p.value;
  }

  keysUnder(prefix: string): string[] {
    return [...this.props.keys()].filter((k) => k.startsWith(`${prefix}.`));
  }

  recordList(key: string, names: string[]): void {
    this.lists.set(key, names);
  }

  sourceOf(kcollectName: string): string {
    return this.origins.get(kcollectName) ?? kcollectName;
  }

  note(key: string, note: string): void {
    this.used.add(key);
    this.noted.push({key, note});
  }

  unconvert(key: string, reason: string): void {
    this.used.add(key);
    this.reasons.set(key, reason);
  }

  /** A second reason for a key (it was converted only in part). */
  unconvertExtra(key: string, reason: string): void {
    const before = this.reasons.get(key);
    this.unconvert(key, before ? `${before}; ${reason}` : reason);
  }

  /** A whole component is not converted: `mainKey` says why, its other keys point at it. */
  drop(prefix: string, mainKey: string, reason: string): void {
    const keys = this.keysUnder(prefix);
    for (let i = this.noted.length - 1; i >= 0; i--) {
      if (this.noted[i].key.startsWith(`${prefix}.`)) this.noted.splice(i, 1);
    }
    this.unconvert(mainKey, reason);
    const what = prefix.slice(this.agent.length + 1);
    for (const k of keys) {
      if (!this.reasons.has(k)) this.unconvert(k, `belongs to ${what}, which is not converted`);
    }
  }

  /** Every key nobody read becomes unconverted, with the most specific reason we can give. */
  sweep(listed: Record<string, string[]>): void {
    for (const key of this.props.keys()) {
      if (this.used.has(key)) continue;
      this.unconvert(key, this.reasonFor(key, listed));
    }
  }

  private reasonFor(key: string, listed: Record<string, string[]>): string {
    const parts = key.split('.');
    if (parts.length === 2) return `not an agent setting kcollect knows (${this.agent}.sources, .channels, .sinks, .sinkgroups)`;
    const kinds: Record<string, string> = {sources: 'source', channels: 'channel', sinks: 'sink', sinkgroups: 'sink group'};
    if (parts[1] in kinds && !listed[parts[1]].includes(parts[2])) return `${kinds[parts[1]]} ${parts[2]} is not listed in ${this.agent}.${parts[1]}, so Flume does not run it either`;
    for (let i = parts.length - 2; i >= 2; i--) {
      const names = this.lists.get(parts.slice(0, i).join('.'));
      if (names && !names.includes(parts[i])) return `${parts[i]} is not listed in ${parts.slice(0, i).join('.')}`;
    }
    let owner = '';
    for (const prefix of this.scopes.keys()) {
      if (key.startsWith(`${prefix}.`) && prefix.length > owner.length) owner = prefix;
    }
    const what = this.scopes.get(owner);
    if (!what) return 'kcollect has no equivalent';
    const near = this.nearestOption(owner, key.slice(owner.length + 1));
    return `not an option kcollect converts for ${what}${near ? ` (did you mean ${near}?)` : ''}`;
  }

  /** The option of `owner` a converter looked for that `typed` most likely meant: a typo, or an extra prefix. */
  private nearestOption(owner: string, typed: string): string | undefined {
    const options = [...this.asked].filter((k) => k.startsWith(`${owner}.`)).map((k) => k.slice(owner.length + 1));
    return options.find((o) => editDistance(o, typed) <= 2) ?? options.find((o) => typed.endsWith(`.${o}`));
  }
}

/** The options of one component (`AGENT.sources.NAME`), read by their Flume names. */
export class Scope {
  readonly name: string;

  constructor(
    private readonly ledger: Ledger,
    readonly prefix: string,
    private readonly what: string,
  ) {
    this.name = prefix.slice(prefix.lastIndexOf('.') + 1);
    ledger.scopes.set(prefix, what);
  }

  child(sub: string, what: string): Scope {
    const scope = new Scope(this.ledger, this.key(sub), what);
    return Object.assign(scope, {name: this.name});
  }

  key(option: string): string {
    return `${this.prefix}.${option}`;
  }

  has(option: string): boolean {
    return this.ledger.has(this.key(option));
  }

  isUsed(option: string): boolean {
    return this.ledger.isUsed(this.key(option));
  }

  raw(option: string): string | undefined {
    return this.ledger.raw(this.key(option));
  }

  /** Trimmed; an empty value counts as not set (and says so). */
  str(option: string): string | undefined {
    const v = this.raw(option)?.trim();
    if (v === '') this.note(option, 'empty, so treated as not set');
    return v || undefined;
  }

  list(option: string, separator: RegExp = /\s+/): string[] {
    const names = (this.str(option) ?? '').split(separator).map((n) => n.trim()).filter(Boolean);
    this.ledger.recordList(this.key(option), names);
    return names;
  }

  /** Java's Boolean.parseBoolean: "true" in any case is true, anything else false. */
  bool(option: string): boolean {
    return this.optBool(option) ?? false;
  }

  optBool(option: string): boolean | undefined {
    const v = this.str(option);
    return v === undefined ? undefined : v.toLowerCase() === 'true';
  }

  int(option: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
    const v = this.str(option);
    if (v === undefined) return undefined;
    const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
    if (Number.isSafeInteger(n) && n >= min) return n;
    this.unconvert(option, `"${v}" is not a whole number${min > Number.MIN_SAFE_INTEGER ? ` of at least ${min}` : ''}`);
    return undefined;
  }

  positive(option: string): number | undefined {
    return this.int(option, 1);
  }

  nonNegative(option: string): number | undefined {
    return this.int(option, 0);
  }

  oneOf<T extends string>(option: string, values: readonly T[]): T | undefined {
    const v = this.str(option);
    if (v === undefined) return undefined;
    if ((values as readonly string[]).includes(v)) return v as T;
    this.unconvert(option, `"${v}" is not one of ${values.join(', ')}`);
    return undefined;
  }

  regex(option: string, rewrite: (re: string) => string): string | undefined {
    const v = this.raw(option);
    if (v === undefined) return undefined;
    const re = rewrite(v);
    try {
      new RegExp(re);
      return re;
    } catch (err) {
      this.unconvert(option, `not a regular expression kcollect can compile: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** The current Flume name, else the deprecated one (Flume 1.6's, as in the book). */
  preferred(current: string, deprecated: string): string | undefined {
    const now = this.str(current);
    if (now !== undefined && this.has(deprecated)) this.note(deprecated, `not used: ${current} takes precedence`);
    return now ?? this.str(deprecated);
  }

  preferredPositive(current: string, deprecated: string): number | undefined {
    if (this.has(current) && this.has(deprecated)) this.note(deprecated, `not used: ${current} takes precedence`);
    return this.has(current) ? this.positive(current) : this.positive(deprecated);
  }

  /** The distinct names right below `sub` (e.g. the groups in headers.<group>.<key>). */
  names(sub: string): string[] {
    const start = this.key(sub).length + 1;
    return [...new Set(this.ledger.keysUnder(this.key(sub)).map((k) => k.slice(start).split('.')[0]))];
  }

  keysUnder(sub: string): string[] {
    const start = this.prefix.length + 1;
    return this.ledger.keysUnder(this.key(sub)).map((k) => k.slice(start));
  }

  note(option: string, note: string): void {
    this.ledger.note(this.key(option), note);
  }

  noteType(note: string): void {
    this.note('type', note);
  }

  /** The same note for each of these options that the file sets. */
  noteAll(options: string[], note: string): void {
    for (const o of options) if (this.has(o)) this.note(o, note);
  }

  unconvert(option: string, reason: string): void {
    this.ledger.unconvert(this.key(option), reason);
  }

  /** The whole component is not converted; `option` carries the reason. */
  drop(option: string, reason: string): void {
    this.ledger.drop(this.prefix, this.key(option), reason);
  }

  /** A set option that does nothing because of another: noted, and undefined. */
  unusedBecause(option: string, why: string): undefined {
    if (this.has(option)) this.note(option, `not used: ${why}`);
    return undefined;
  }

  /** Our type for the component's `type`, or undefined once the component is dropped. */
  type(table: TypeTable, unknown?: string, fallback?: string): string | undefined {
    const raw = this.str('type');
    if (raw === undefined && fallback !== undefined) return fallback;
    if (raw === undefined) {
      this.drop('type', `${this.what} has no type`);
      return undefined;
    }
    const ours = table[raw.toLowerCase()];
    if (ours !== undefined && !ours.includes(' ')) return ours;
    this.drop('type', ours ?? unknown ?? `${raw} has no kcollect equivalent`);
    return undefined;
  }
}
