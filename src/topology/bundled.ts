// The topology and agent files shipped with kcollect, found by name from any directory
// (`kcollect cluster up multi-broker-single-node`, `kcollect agent run smartcar-driving`).
import fs from 'node:fs';
import path from 'node:path';
import {UserError} from '../lib/errors.js';

export type BundledKind = 'topology' | 'agent';

export interface BundledFile {
  name: string;
  kind: BundledKind;
  file: string;
  description: string;
}

/** The package's own topology/ folder (from src/ under tsx and vitest, from dist/src/ when built). */
export const BUNDLED_DIR = findTopologyDir(import.meta.dirname);

function findTopologyDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'topology'))) return path.join(dir, 'topology');
    if (path.dirname(dir) === dir) return path.resolve(from, '../../../topology');
  }
}

const folderOf = (kind: BundledKind) => (kind === 'topology' ? BUNDLED_DIR : path.join(BUNDLED_DIR, 'agents'));

/** Every shipped file with its first comment line (or `description:`) as what it is for. */
export function listBundled(): BundledFile[] {
  return (['topology', 'agent'] as const).flatMap((kind) =>
    fs
      .readdirSync(folderOf(kind))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => {
        const file = path.join(folderOf(kind), f);
        return {name: f.slice(0, -'.yaml'.length), kind, file, description: describe(fs.readFileSync(file, 'utf8'))};
      }),
  );
}

function describe(text: string): string {
  return /^description:\s*(.+)$/m.exec(text)?.[1] ?? /^#\s*(.+)$/m.exec(text)?.[1] ?? '';
}

/**
 * A path as given when it exists, else the shipped file of that name (with or without `.yaml`):
 * the README's commands work from any directory.
 */
export function resolveConfigFile(arg: string, kind: BundledKind): string {
  if (fs.existsSync(arg)) return arg;
  const name = path.basename(arg).replace(/\.ya?ml$/, '');
  const shipped = path.join(folderOf(kind), `${name}.yaml`);
  if (fs.existsSync(shipped)) return shipped;
  const names = listBundled()
    .filter((b) => b.kind === kind)
    .map((b) => b.name);
  throw new UserError(`no ${kind} file ${arg}: neither a file here nor a shipped ${kind} of that name`, `give a path to a YAML file, or one of: ${names.join(', ')} (\`kcollect topology list\`)`);
}

export interface CopyResult {
  copied: string[];
  kept: string[];
}

/** Copies the shipped files into `dir` (topology/*.yaml, topology/agents/*.yaml) to edit; never overwrites unless asked. */
export function copyBundled(dir: string, overwrite = false): CopyResult {
  const result: CopyResult = {copied: [], kept: []};
  for (const b of listBundled()) {
    const target = path.join(dir, 'topology', path.relative(BUNDLED_DIR, b.file));
    if (fs.existsSync(target) && !overwrite) {
      result.kept.push(target);
      continue;
    }
    fs.mkdirSync(path.dirname(target), {recursive: true});
    fs.copyFileSync(b.file, target);
    result.copied.push(target);
  }
  return result;
}
