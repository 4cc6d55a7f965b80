/** Flume channel selectors and sink groups (failover, load_balance). Part of `kcollect agent import` (../flume-import.ts). */
import {Scope, type Selector, type SinkGroupInput, type SinkInput, type TypeTable, defined} from './scope.js';

export function convertSelector(s: Scope, channels: string[]): Selector | undefined {
  if (s.names('selector').length === 0 && !s.has('selector.type')) return undefined;
  const sel = s.child('selector', `channel selector of source ${s.name}`);
  const type = sel.type(SELECTOR_TYPES, 'a custom selector class; kcollect has replicating and multiplexing', 'replicating');
  if (type === undefined) return undefined;
  const optional = sel.list('optional');
  let selector: Selector;
  if (type === 'replicating') selector = {type: 'replicating', ...(optional.length > 0 ? {optional} : {})};
  else {
    const mapping: Record<string, string[]> = {};
    for (const v of sel.names('mapping')) mapping[v] = sel.list(`mapping.${v}`);
    const fallback = sel.list('default');
    if (fallback.length === 0) {
      sel.drop('type', 'kcollect\'s multiplexing selector needs `default` channels (Flume drops unmapped events); without a selector every event goes to every channel');
      return undefined;
    }
    selector = {type: 'multiplexing', header: sel.str('header') ?? 'flume.selector.header', mapping, default: fallback, ...(optional.length > 0 ? {optional} : {})};
  }
  const stray = [...(selector.optional ?? []), ...(selector.type === 'multiplexing' ? [...selector.default, ...Object.values(selector.mapping).flat()] : [])].filter((c) => !channels.includes(c));
  if (stray.length > 0) {
    sel.drop('type', `it names channels the source does not write to (${[...new Set(stray)].join(', ')}); without a selector every event goes to every channel`);
    return undefined;
  }
  return selector;
}

const SELECTOR_TYPES: TypeTable = {replicating: 'replicating', multiplexing: 'multiplexing'};

export function convertSinkGroup(s: Scope, name: string, sinks: Record<string, SinkInput>): SinkGroupInput | undefined {
  const members = s.list('sinks');
  const type = s.child('processor', `processor of sink group ${name}`).type(PROCESSOR_TYPES, 'a custom sink processor class; kcollect has failover and load_balance', 'default');
  if (type === undefined) return undefined;
  if (type === 'default') {
    s.drop('processor.type', 'the default processor runs a single sink; kcollect runs that sink alone');
    return undefined;
  }
  const missing = members.filter((k) => !(k in sinks));
  if (members.length < 2 || missing.length > 0) {
    s.drop('sinks', members.length < 2 ? 'a sink group needs two or more sinks' : `its sinks ${missing.join(', ')} were not converted`);
    return undefined;
  }
  if (type === 'failover') {
    const priority: Record<string, number> = {};
    for (const k of s.names('processor.priority')) {
      const p = s.int(`processor.priority.${k}`);
      if (p !== undefined) priority[k] = p;
    }
    return defined({processor: 'failover' as const, sinks: members, priority, maxPenalty: s.nonNegative('processor.maxpenalty')});
  }
  const selector = s.oneOf('processor.selector', ['round_robin', 'random'] as const);
  return defined({processor: 'load_balance' as const, sinks: members, selector, backoff: s.optBool('processor.backoff'), maxTimeout: s.nonNegative('processor.selector.maxTimeOut')});
}

const PROCESSOR_TYPES: TypeTable = {default: 'default', failover: 'failover', load_balance: 'load_balance'};
