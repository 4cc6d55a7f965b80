import type {ClusterSnapshot, GroupInfo, PipelineInfo, TopicInfo, ZnodeListing, ZookeeperPanel} from '../telemetry/cluster-snapshot.js';
import {formatBytes, formatCatchUp, formatCount, formatRate, sparkline} from './format.js';

/**
 * Every panel as a table of text cells, built from a snapshot alone: the Ink panels draw these
 * and the plain renderer prints them, so the two never disagree.
 */

export type Tone = 'good' | 'warn' | 'bad' | 'dim';

export interface Row {
  /** What selection, drill-down and the filter go by (a topic name, a group id, ...). */
  key: string;
  cells: string[];
  tone?: Tone;
}

export interface Table {
  headers: string[];
  /** Columns aligned right (numbers). */
  right: number[];
  rows: Row[];
}

export const SPARK_WIDTH = 12;

/** `filter`: keep rows whose name contains it; `trends`: sparkline columns (a single snapshot has none). */
export interface TableOptions {
  filter?: string;
  trends?: boolean;
}

const matches = (filter = '') => (key: string) => !filter || key.toLowerCase().includes(filter.toLowerCase());

/** Drops the columns named in `names` (the trends, off the dashboard). */
function without(table: Table, names: string[]): Table {
  const drop = new Set(table.headers.map((h, i) => (names.includes(h) ? i : -1)).filter((i) => i >= 0));
  if (drop.size === 0) return table;
  const keep = (_: unknown, i: number) => !drop.has(i);
  const index = table.headers.map((_, i) => i).filter((i) => !drop.has(i));
  return {
    headers: table.headers.filter(keep),
    right: table.right.filter((i) => !drop.has(i)).map((i) => index.indexOf(i)),
    rows: table.rows.map((r) => ({...r, cells: r.cells.filter(keep)})),
  };
}

const trendsIf = (table: Table, options: TableOptions) => (options.trends === false ? without(table, ['TREND', 'OUT TREND']) : table);

export function brokersTable(s: ClusterSnapshot): Table {
  return {
    headers: ['ID', 'ADDRESS', 'CONTROLLER', 'STATE'],
    right: [0],
    rows: s.brokers.items.map((b) => ({
      key: String(b.id),
      cells: [String(b.id), b.address, b.controller ? 'yes' : '', b.up ? 'up' : 'DOWN'],
      tone: b.up ? undefined : 'bad',
    })),
  };
}

export function topicsTable(s: ClusterSnapshot, options: TableOptions = {}): Table {
  return trendsIf({
    headers: ['TOPIC', 'PARTS', 'MSG/S', 'TREND', 'END-OFFSET', 'MESSAGES', 'SIZE', 'UNDER-REPL'],
    right: [1, 2, 4, 5, 6, 7],
    rows: s.topics.items
      .filter((t) => matches(options.filter)(t.name))
      .map((t) => ({
        key: t.name,
        cells: [t.name, String(t.partitions.length), formatRate(t.perSec), sparkline(t.history, SPARK_WIDTH), String(t.endOffset), String(t.messages), formatBytes(t.sizeBytes), String(t.underReplicated)],
        tone: t.underReplicated > 0 ? 'warn' : t.internal ? 'dim' : undefined,
      })),
  }, options);
}

export function partitionsTable(t: TopicInfo): Table {
  return {
    headers: ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOG-START', 'END-OFFSET', 'SIZE', 'MSG/S', 'STATUS'],
    right: [0, 1, 4, 5, 6, 7],
    rows: t.partitions.map((p) => ({
      key: String(p.partition),
      cells: [
        String(p.partition),
        p.leader < 0 ? 'none' : String(p.leader),
        p.replicas.join(','),
        p.isr.join(','),
        formatCount(p.logStart),
        formatCount(p.logEnd),
        formatBytes(p.sizeBytes),
        formatRate(p.perSec),
        p.leader < 0 ? 'OFFLINE' : p.underReplicated ? 'UNDER-REPLICATED' : 'ok',
      ],
      tone: p.leader < 0 ? 'bad' : p.underReplicated ? 'warn' : undefined,
    })),
  };
}

export function groupsTable(s: ClusterSnapshot, options: TableOptions = {}): Table {
  return trendsIf({
    headers: ['GROUP', 'STATE', 'MEMBERS', 'LAG', 'CONSUME/S', 'TREND', 'CATCH-UP'],
    right: [2, 3, 4],
    rows: s.groups.items
      .filter((g) => matches(options.filter)(g.group))
      .map((g) => ({
        key: g.group,
        cells: [g.group, g.state, String(g.members), String(g.totalLag), formatRate(g.consumePerSec), sparkline(g.history, SPARK_WIDTH), formatCatchUp(g.catchUp)],
        tone: g.catchUp === 'never' && g.totalLag > 0 ? 'warn' : g.state === 'Empty' ? 'dim' : undefined,
      })),
  }, options);
}

export function groupPartitionsTable(g: GroupInfo): Table {
  return {
    headers: ['TOPIC', 'PARTITION', 'COMMITTED', 'LOG-END', 'LAG', 'MEMBER-ID', 'HOST', 'CLIENT-ID'],
    right: [1, 2, 3, 4],
    rows: g.partitions.map((p) => ({
      key: `${p.topic}:${p.partition}`,
      cells: [p.topic, String(p.partition), formatCount(p.committed), formatCount(p.logEnd), formatCount(p.lag), p.owner?.memberId ?? '-', p.owner?.host ?? '-', p.owner?.clientId ?? '-'],
      tone: p.lag ? 'warn' : undefined,
    })),
  };
}

const sinkText = (p: PipelineInfo) =>
  p.sinks.map((k) => `${k.name}:${k.state}${k.backlog === null ? '' : ` backlog ${k.backlog}`}${k.p99Ms === null || p.state !== 'running' ? '' : ` p99 ${k.p99Ms}ms`}`).join(' ') || '-';

/** dead or stopped, else the first sink that is not ok (parked, retrying, failed), else running. */
function pipelineState(p: PipelineInfo): string {
  if (p.state !== 'running') return p.state;
  return p.sinks.find((k) => k.state !== 'ok')?.state ?? 'running';
}

function pipelineTone(p: PipelineInfo): Tone | undefined {
  if (p.state === 'dead') return 'bad';
  if (p.state === 'stopped') return 'dim';
  return p.sinks.some((k) => k.state !== 'ok') ? 'bad' : undefined;
}

export function pipelinesTable(s: ClusterSnapshot, options: TableOptions = {}): Table {
  return trendsIf({
    headers: ['NAME', 'KIND', 'STATE', 'IN/S', 'OUT/S', 'OUT TREND', 'CHANNEL', 'SINKS'],
    right: [3, 4, 6],
    rows: s.pipelines.items
      .filter((p) => matches(options.filter)(p.name))
      .map((p) => ({
        key: p.name,
        cells: [p.name, p.kind, pipelineState(p), formatRate(p.inPerSec), formatRate(p.outPerSec), sparkline(p.outHistory, SPARK_WIDTH), p.channelFill === null ? '-' : `${p.channelFill}%`, sinkText(p)],
        tone: pipelineTone(p),
      })),
  }, options);
}

export function componentsTable(p: PipelineInfo): Table {
  return {
    headers: ['COMPONENT', 'TYPE', 'STATE', 'COUNTERS'],
    right: [],
    rows: p.components.map((c) => ({
      key: `${c.kind}.${c.name}`,
      cells: [
        `${c.kind}.${c.name}`,
        c.type,
        c.state ?? '-',
        Object.entries(c.counters)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      ],
      tone: c.state && !['ok', 'running'].includes(c.state) ? 'bad' : undefined,
    })),
  };
}

/** How ZooKeeper stands, for its title: a standalone server, or whether a majority of the ensemble serves. */
export function zookeeperHealth(zk: ZookeeperPanel): string {
  if (zk.quorum === null) return '';
  if (zk.items.length === 1 && zk.items[0].mode === 'standalone') return 'standalone';
  return zk.quorum ? 'quorum' : 'NO QUORUM';
}

export function zookeeperTable(s: ClusterSnapshot): Table {
  return {
    headers: ['ID', 'ADDRESS', 'MODE', 'ZNODES'],
    right: [0, 3],
    rows: s.zookeeper.items.map((n) => ({
      key: n.address,
      cells: [n.id === undefined ? '-' : String(n.id), n.address, n.error && n.mode === 'down' ? `down (${n.error})` : n.mode, formatCount(n.znodeCount ?? null)],
      tone: n.mode === 'down' ? 'bad' : n.mode === 'not serving' ? 'warn' : undefined,
    })),
  };
}

export function znodeTable(z: ZnodeListing): Table {
  return {headers: ['CHILD'], right: [], rows: z.children.map((c) => ({key: c, cells: [c]}))};
}

/** The columns padded to their widest cell; one string per line. */
export function layoutTable(table: Table): {header: string; lines: string[]} {
  // reduce, not Math.max(...rows): a znode's children are unbounded, and a spread of ~130k values overflows the stack.
  const widths = table.headers.map((h, i) => table.rows.reduce((w, r) => Math.max(w, (r.cells[i] ?? '').length), h.length));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 && !table.right.includes(i) ? c : table.right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ');
  return {header: line(table.headers), lines: table.rows.map((r) => line(r.cells))};
}
