import type {ClusterSnapshot, Panel} from '../telemetry/cluster-snapshot.js';
import {formatTime} from './format.js';
import {brokersTable, groupsTable, layoutTable, pipelinesTable, topicsTable, zookeeperHealth, zookeeperTable, type Table} from './tables.js';

function section(title: string, panel: Panel<unknown>, table: Table, empty: string): string {
  const out = [title];
  if (panel.error) out.push(`  error: ${panel.error}`);
  if (table.rows.length === 0) {
    if (!panel.error) out.push(`  ${empty}`);
  } else {
    const {header, lines} = layoutTable(table);
    out.push(...[header, ...lines].map((l) => `  ${l}`.trimEnd()));
  }
  return out.join('\n');
}

/** The whole snapshot as plain lines: `kcollect status`, and the dashboard off a TTY or with --once. */
export function renderPlain(s: ClusterSnapshot): string {
  const zk = s.zookeeper;
  const health = zookeeperHealth(zk);
  const zkTitle = zk.connectString === null ? 'ZOOKEEPER' : `ZOOKEEPER ${zk.connectString}${health && ` (${health})`}`;
  return [
    `kcollect status at ${formatTime(s.takenAt)}, brokers ${s.bootstrap.join(',')}`,
    section('BROKERS', s.brokers, brokersTable(s), '(none)'),
    section('TOPICS', s.topics, topicsTable(s, {trends: false}), '(no topics)'),
    section('CONSUMER GROUPS', s.groups, groupsTable(s, {trends: false}), '(no groups)'),
    section('PIPELINES', s.pipelines, pipelinesTable(s, {trends: false}), '(no agent or drain publishes a status here)'),
    section(zkTitle, zk, zookeeperTable(s), zk.connectString === null ? '(none configured: pass --zookeeper)' : '(no nodes)'),
  ].join('\n\n');
}
