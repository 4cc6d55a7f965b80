import fs from 'node:fs';
import path from 'node:path';

/** Self time per function and per file of a V8 .cpuprofile (as written by `node --cpu-prof`). */

interface CpuProfileNode {
  id: number;
  callFrame: {functionName: string; url: string; lineNumber: number};
  hitCount?: number;
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  /** Share of busy (non-idle) time, 0..1. */
  share: number;
}

export interface ProfileSummary {
  file: string;
  /** Busy share of the profiled wall time, 0..1. */
  busyShare: number;
  busySeconds: number;
  topFunctions: ProfileEntry[];
  topFiles: ProfileEntry[];
}

function shortUrl(url: string): string {
  if (!url) return '(native)';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = u.indexOf('/dist/');
  if (dist >= 0) return u.slice(dist + '/dist/'.length).replace(/\.js$/, '.ts');
  return u;
}

export function summarizeProfile(file: string, top = 12): ProfileSummary {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const fnTime = new Map<string, number>();
  const fileTime = new Map<string, number>();
  let busy = 0;
  let total = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    total += us;
    const {functionName, url, lineNumber} = n.callFrame;
    if (functionName === '(idle)' || functionName === '(root)') continue;
    busy += us;
    const where = shortUrl(url);
    const fn = `${functionName || '(anonymous)'} ${url ? `${where}:${lineNumber + 1}` : ''}`.trim();
    fnTime.set(fn, (fnTime.get(fn) ?? 0) + us);
    const fileKey = url ? where : functionName;
    fileTime.set(fileKey, (fileTime.get(fileKey) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({name, share: busy ? us / busy : 0}));
  return {
    file: path.basename(file),
    busyShare: total ? busy / total : 0,
    busySeconds: busy / 1e6,
    topFunctions: rank(fnTime),
    topFiles: rank(fileTime),
  };
}
