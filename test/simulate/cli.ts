import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, {withFileTypes: true, recursive: true})) {
    if (entry.isFile() && entry.name.endsWith(ext)) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * bin/run.js (the user's entry) when dist/ holds simulate commands built from the current
 * sources (as after `npm test`'s tsc); else the commands straight from TypeScript.
 */
function cliEntry(): string[] {
  const built = path.join(ROOT, 'dist', 'commands', 'simulate', 'status.js');
  if (fs.existsSync(built)) {
    const src = Math.max(newestMtime(path.join(ROOT, 'commands', 'simulate'), '.ts'), newestMtime(path.join(ROOT, 'src', 'simulate'), '.ts'), newestMtime(path.join(ROOT, 'src', 'cli'), '.ts'));
    const dist = Math.min(newestMtime(path.join(ROOT, 'dist', 'commands', 'simulate'), '.js'), newestMtime(path.join(ROOT, 'dist', 'src', 'simulate'), '.js'));
    if (dist >= src) return [path.join(ROOT, 'bin', 'run.js')];
  }
  const tsx = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return ['--import', tsx, path.join(ROOT, 'test', 'simulate', 'run-from-source.ts')];
}

export const ENTRY = cliEntry();

/** No inherited KCOLLECT_* settings, no colours, not vitest's NODE_ENV=test. */
function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('KCOLLECT_') && !k.startsWith('VITEST') && !['NODE_OPTIONS', 'NODE_ENV', 'TEST'].includes(k)) env[k] = v;
  }
  return {...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra};
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(args: string[], options: {env?: Record<string, string | undefined>; cwd: string}): ChildProcess {
  return spawn(process.execPath, [...ENTRY, ...args], {cwd: options.cwd, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe']});
}

export function collect(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcollect did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({code, signal, stdout, stderr});
    });
  });
}

export function runCli(args: string[], options: {env?: Record<string, string | undefined>; cwd: string; timeoutMs?: number}): Promise<CliResult> {
  return collect(spawnCli(args, options), options.timeoutMs);
}
