import {Box, Text, useApp, useInput, useStdout, type Key} from 'ink';
import {useEffect, useReducer, useRef, useState, type ReactNode} from 'react';
import type {ClusterSnapshot, SnapshotFeed, ZnodeBrowser, ZnodeListing} from '../telemetry/cluster-snapshot.js';
import {formatTime} from './format.js';
import {shareRows} from './layout.js';
import {
  brokersTable,
  componentsTable,
  groupPartitionsTable,
  groupsTable,
  partitionsTable,
  pipelinesTable,
  topicsTable,
  zookeeperHealth,
  zookeeperTable,
  znodeTable,
  type Table,
} from './tables.js';
import {TableView} from './table-view.js';

/** The five panels, in tab order. */
export const PANELS = ['brokers', 'topics', 'groups', 'pipelines', 'zookeeper'] as const;
export type PanelName = (typeof PANELS)[number];

type View = {kind: 'overview'} | {kind: 'topic'; name: string} | {kind: 'group'; name: string} | {kind: 'pipeline'; name: string} | {kind: 'znode'; path: string};

interface UiState {
  /** Index into PANELS of the focused panel. */
  focus: number;
  /** The selected row's key per panel or detail view, so a selection survives new snapshots. */
  selectedKey: Partial<Record<string, string>>;
  view: View;
  filter: string;
  filtering: boolean;
  help: boolean;
}

/** The table the arrows and enter act on, and its selected row. */
function selection(state: UiState, s: ClusterSnapshot | undefined, znode: ZnodeListing | undefined): {table?: Table; id: string; index: number} {
  const {view} = state;
  const table = currentTable(s, view, state.filter, PANELS[state.focus]!, znode);
  const id = view.kind === 'overview' ? PANELS[state.focus]! : `${view.kind}:${view.kind === 'znode' ? view.path : view.name}`;
  return {table, id, index: table ? Math.max(0, table.rows.findIndex((r) => r.key === state.selectedKey[id])) : 0};
}

export const HELP = [
  'tab, shift-tab, ←/→   move between panels',
  '↑/↓                   select a row',
  'enter                 open the topic, group, pipeline or ZooKeeper znode browser',
  'esc, backspace        back (in the znode browser: up one level)',
  '/                     filter topics, groups and pipelines by name (enter keeps it, esc clears it)',
  '?                     this help (any key closes it)',
  'q, ctrl-c             quit',
];

export interface DashboardProps {
  feed: SnapshotFeed;
  /** Reads a znode for the ZooKeeper browser; without it enter on ZooKeeper does nothing. */
  browse?: ZnodeBrowser;
  /** Shown in the header, e.g. "1s". */
  refresh?: string;
}

function useTerminalSize(): {columns: number; rows: number} {
  const {stdout} = useStdout();
  const read = () => ({columns: stdout.columns || 100, rows: stdout.rows || 40});
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

function useSnapshot(feed: SnapshotFeed): ClusterSnapshot | undefined {
  const [snapshot, setSnapshot] = useState(feed.current());
  useEffect(() => feed.subscribe(setSnapshot), [feed]);
  return snapshot;
}

function overviewTables(s: ClusterSnapshot, filter: string): Record<PanelName, {table: Table; error?: string; empty: string; title: string}> {
  const zk = s.zookeeper;
  const zkHealth = zookeeperHealth(zk);
  return {
    brokers: {title: `BROKERS${s.brokers.controller === null ? '' : `  controller ${s.brokers.controller}`}`, table: brokersTable(s), error: s.brokers.error, empty: '(none)'},
    topics: {title: 'TOPICS', table: topicsTable(s, {filter}), error: s.topics.error, empty: filter ? '(no topic matches the filter)' : '(no topics)'},
    groups: {title: 'CONSUMER GROUPS', table: groupsTable(s, {filter}), error: s.groups.error, empty: filter ? '(no group matches the filter)' : '(no groups)'},
    pipelines: {title: 'PIPELINES', table: pipelinesTable(s, {filter}), error: s.pipelines.error, empty: '(no agent or drain publishes a status in .kcollect/status)'},
    zookeeper: {
      title: zk.connectString === null ? 'ZOOKEEPER' : `ZOOKEEPER ${zk.connectString}${zkHealth && `  ${zkHealth}`}`,
      table: zookeeperTable(s),
      error: zk.error,
      empty: zk.connectString === null ? '(none configured: pass --zookeeper)' : '(no nodes)',
    },
  };
}

/** `kcollect dashboard`: the panels over a snapshot feed; Ink redraws in place, the output never reaches the terminal's height. */
export function Dashboard({feed, browse, refresh}: DashboardProps) {
  const {exit} = useApp();
  const {columns, rows} = useTerminalSize();
  const snapshot = useSnapshot(feed);
  // Keys change this ref at once and then ask for a redraw: Ink hands keys to the handler it
  // subscribed in an effect, which may predate the last render, so a key must never act on state
  // captured by a render (two quick keys would both act on the screen before the first).
  const ui = useRef<UiState>({focus: 1, selectedKey: {}, view: {kind: 'overview'}, filter: '', filtering: false, help: false});
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const [znode, setZnode] = useState<ZnodeListing | undefined>();
  const latest = useRef({snapshot, znode});
  latest.current = {snapshot, znode};
  const set = (patch: Partial<UiState>) => {
    ui.current = {...ui.current, ...patch};
    redraw();
  };
  const {focus, selectedKey, view, filter, filtering, help} = ui.current;

  useEffect(() => {
    if (view.kind !== 'znode' || !browse) return;
    let live = true;
    void browse(view.path).then((z) => live && setZnode(z));
    return () => {
      live = false;
    };
  }, [view, browse, snapshot]);

  const current = selection(ui.current, snapshot, znode);

  const onKey = (input: string, key: Key) => {
    const state = ui.current;
    const {snapshot: snap, znode: listing} = latest.current;
    const sel = selection(state, snap, listing);
    const {view: v} = state;
    const move = (delta: number) => {
      if (!sel.table || sel.table.rows.length === 0) return;
      const i = Math.min(sel.table.rows.length - 1, Math.max(0, sel.index + delta));
      set({selectedKey: {...state.selectedKey, [sel.id]: sel.table.rows[i]!.key}});
    };
    const back = () => {
      if (v.kind === 'znode' && v.path !== '/') {
        const parent = v.path.slice(0, v.path.lastIndexOf('/')) || '/';
        set({selectedKey: {...state.selectedKey, [`znode:${parent}`]: v.path.slice(v.path.lastIndexOf('/') + 1)}, view: {kind: 'znode', path: parent}});
      } else set({view: {kind: 'overview'}});
    };
    const open = () => {
      const row = sel.table?.rows[sel.index]?.key;
      if (v.kind === 'overview') {
        const panel = PANELS[state.focus]!;
        if (panel === 'zookeeper' && browse && snap?.zookeeper.connectString) set({view: {kind: 'znode', path: '/'}});
        else if (row && panel === 'topics') set({view: {kind: 'topic', name: row}});
        else if (row && panel === 'groups') set({view: {kind: 'group', name: row}});
        else if (row && panel === 'pipelines') set({view: {kind: 'pipeline', name: row}});
      } else if (v.kind === 'znode' && row) set({view: {kind: 'znode', path: `${v.path === '/' ? '' : v.path}/${row}`}});
    };

    if (state.filtering) {
      if (key.return) set({filtering: false});
      else if (key.escape) set({filter: '', filtering: false});
      else if (key.backspace || key.delete) set({filter: state.filter.slice(0, -1)});
      else if (input && !key.ctrl && !key.meta) set({filter: state.filter + input});
      return;
    }
    if (input === 'q') return exit();
    if (state.help) return set({help: false});
    if (input === '?') return set({help: true});
    if (input === '/') return set({filtering: true});
    if (key.upArrow || input === 'k') return move(-1);
    if (key.downArrow || input === 'j') return move(1);
    if (key.pageUp) return move(-10);
    if (key.pageDown) return move(10);
    if (key.return) return open();
    if (key.escape || key.backspace || key.delete) return back();
    if (v.kind === 'overview') {
      if ((key.tab && key.shift) || key.leftArrow) set({focus: (state.focus + PANELS.length - 1) % PANELS.length});
      else if (key.tab || key.rightArrow) set({focus: (state.focus + 1) % PANELS.length});
    } else if (key.leftArrow) back();
    else if (key.rightArrow) open();
  };
  useInput(onKey);

  const height = Math.max(8, rows - 1);
  const headerLine = [
    'kcollect dashboard',
    snapshot ? `brokers ${snapshot.bootstrap.join(',')}` : undefined,
    refresh ? `every ${refresh}` : undefined,
    snapshot ? `updated ${formatTime(snapshot.takenAt)}` : undefined,
    filtering || filter ? `filter: ${filter}${filtering ? '▏' : ''}` : undefined,
  ]
    .filter(Boolean)
    .join('  ·  ');
  const footer = filtering
    ? 'type to filter  ·  enter keep  ·  esc clear'
    : view.kind === 'overview'
      ? 'tab/←→ panel  ·  ↑↓ select  ·  enter open  ·  / filter  ·  ? help  ·  q quit'
      : 'esc back  ·  ↑↓ select  ·  enter open  ·  ? help  ·  q quit';

  let body: ReactNode;
  if (help) {
    body = (
      <Box flexDirection="column">
        <Text bold>KEYS</Text>
        {HELP.map((line) => (
          <Text key={line} wrap="truncate">{`  ${line}`}</Text>
        ))}
        <Text> </Text>
        <Text wrap="truncate">{'  Panels: brokers (controller, up/down), topics (messages/s from end offsets), consumer groups (lag, catch-up time),'}</Text>
        <Text wrap="truncate">{'  pipelines (agents and drains from .kcollect/status: events in/out per second, channel fill, sink state and backlog), ZooKeeper.'}</Text>
      </Box>
    );
  } else if (!snapshot) {
    body = <Text dimColor>collecting the first snapshot…</Text>;
  } else if (view.kind === 'overview') {
    const panels = overviewTables(snapshot, filter);
    // Title and header per panel, the page's header and footer: the rest is rows.
    const budget = height - 2 - PANELS.length * 2;
    const share = shareRows(
      PANELS.map((p) => panels[p].table.rows.length),
      budget,
      focus,
    );
    body = PANELS.map((p, i) => {
      const panel = panels[p];
      const index = i === focus ? current.index : Math.max(0, panel.table.rows.findIndex((r) => r.key === selectedKey[p]));
      return <TableView key={p} title={panel.title} table={panel.table} height={share[i]!} selected={index} focused={i === focus} error={panel.error} empty={panel.empty} />;
    });
  } else {
    body = <Detail snapshot={snapshot} view={view} table={current.table} selected={current.index} height={height - 2} znode={znode} />;
  }

  return (
    <Box flexDirection="column" width={columns} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        {headerLine}
      </Text>
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {body}
      </Box>
      <Text dimColor wrap="truncate">
        {footer}
      </Text>
    </Box>
  );
}

function currentTable(s: ClusterSnapshot | undefined, view: View, filter: string, panel: PanelName, znode: ZnodeListing | undefined): Table | undefined {
  if (!s) return undefined;
  switch (view.kind) {
    case 'overview':
      return overviewTables(s, filter)[panel].table;
    case 'topic': {
      const t = s.topics.items.find((x) => x.name === view.name);
      return t && partitionsTable(t);
    }
    case 'group': {
      const g = s.groups.items.find((x) => x.group === view.name);
      return g && groupPartitionsTable(g);
    }
    case 'pipeline': {
      const p = s.pipelines.items.find((x) => x.name === view.name);
      return p && componentsTable(p);
    }
    case 'znode':
      return znode && znode.path === view.path ? znodeTable(znode) : undefined;
  }
}

function Detail({snapshot, view, table, selected, height, znode}: {snapshot: ClusterSnapshot; view: Exclude<View, {kind: 'overview'}>; table: Table | undefined; selected: number; height: number; znode?: ZnodeListing}) {
  if (view.kind === 'znode') {
    const z = znode?.path === view.path ? znode : undefined;
    const data = (z?.data ?? '').split('\n').slice(0, 6);
    return (
      <Box flexDirection="column">
        <Text bold wrap="truncate">{`ZNODE ${view.path}`}</Text>
        {z?.error ? <Text color="red">{z.error}</Text> : null}
        {z?.data ? data.map((line, i) => <Text key={i} wrap="truncate" color="cyan">{`  ${line}`}</Text>) : <Text dimColor>{z ? '  (no data)' : '  reading…'}</Text>}
        {z ? <TableView title="CHILDREN" table={table ?? znodeTable(z)} height={Math.max(1, height - 4 - data.length)} selected={selected} focused error={undefined} empty="(no children)" /> : null}
      </Box>
    );
  }
  if (!table) return <Text color="yellow">{`${view.kind} ${view.name} is gone (esc: back)`}</Text>;
  const title =
    view.kind === 'topic'
      ? topicTitle(snapshot, view.name)
      : view.kind === 'group'
        ? groupTitle(snapshot, view.name)
        : pipelineTitle(snapshot, view.name);
  return <TableView title={title} table={table} height={Math.max(1, height - 2)} selected={selected} focused empty="(nothing)" />;
}

function topicTitle(s: ClusterSnapshot, name: string): string {
  const t = s.topics.items.find((x) => x.name === name)!;
  return `TOPIC ${name}  ${t.partitions.length} partition(s), ${t.messages} message(s), end offset ${t.endOffset}`;
}

function groupTitle(s: ClusterSnapshot, name: string): string {
  const g = s.groups.items.find((x) => x.group === name)!;
  return `GROUP ${name}  ${g.state}, ${g.members} member(s), lag ${g.totalLag}`;
}

function pipelineTitle(s: ClusterSnapshot, name: string): string {
  const p = s.pipelines.items.find((x) => x.name === name)!;
  return `${p.kind.toUpperCase()} ${name}  pid ${p.pid}, ${p.state}, updated ${p.updatedAt}`;
}
