import type {ZkTreeNode} from './ops.js';
import type {ZkStatus} from './server/server.js';
import type {ZnodeWatchEvent} from './watch.js';

/** rpk-style table: upper-case headers, columns padded to the widest cell, two spaces apart. */
export function formatTable(headers: string[], rows: Array<Array<string | number | undefined>>): string[] {
  const cells = [headers.map((h) => h.toUpperCase()), ...rows.map((r) => r.map((c) => (c === undefined ? '-' : String(c))))];
  // reduce, not Math.max(...cells): spreading an unbounded list into a call overflows the stack.
  const widths = headers.map((_, i) => cells.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** The `tree` command's drawing. */
export function formatTree(root: ZkTreeNode): string[] {
  const lines = [root.path];
  const walk = (node: ZkTreeNode, prefix: string) => {
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${child.name}`);
      walk(child, prefix + (last ? '    ' : '│   '));
    });
  };
  walk(root, '');
  return lines;
}

export function formatWatchEvent(e: ZnodeWatchEvent): string {
  switch (e.type) {
    case 'CONNECTION':
      return `${e.time}  CONNECTION ${e.state}`;
    case 'NODE_CHILDREN_CHANGED': {
      const diff = [...e.added.map((c) => `+${c}`), ...e.removed.map((c) => `-${c}`)].join(' ');
      return `${e.time}  ${e.type} ${e.path}${diff ? `  ${diff}` : ''}`;
    }
    default:
      return `${e.time}  ${e.type} ${e.path}${e.version !== undefined ? `  (version ${e.version})` : ''}`;
  }
}

export function formatServerStatus(status: ZkStatus): string[] {
  const rows = status.nodes.map((n) => [n.id, n.address, n.pid, n.mode, n.znodeCount, n.connections, n.zxid]);
  const lines = formatTable(['id', 'address', 'pid', 'mode', 'znodes', 'conns', 'zxid'], rows);
  const where = status.source === 'data-dir' ? ` (data dir ${status.dataDir})` : '';
  lines.push('', `${status.serving}/${status.nodes.length} serving, ${status.quorum ? 'quorum' : 'NO quorum'}${status.leaderId !== undefined ? `, leader ${status.leaderId}` : ''}; connect string ${status.connectString}${where}`);
  return lines;
}
