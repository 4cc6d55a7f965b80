/**
 * The data-path commands are timed from spawn against kcat, start-up included: their modules must
 * not pull in packages only other paths use (Avro and the schema registry client, zod, ink/react).
 * Each command's module is imported in a fresh node that reports every package it resolves.
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

// A resolve hook (it runs on the loader thread) appends each file it resolves to a list: written
// synchronously, as the hook thread's stderr can be cut off when the process exits (Node 24).
const hook = (list: string) => `import fs from 'node:fs';
export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  fs.appendFileSync(${JSON.stringify(list)}, r.url + '\\n');
  return r;
}`;

/** The packages a command's module loads; throws unless the hook saw our own modules load. */
function packagesLoadedBy(command: string): Set<string> {
  const list = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-imports-')), 'resolved.txt');
  const script = `import {register} from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook(list))}));
await import(${JSON.stringify(path.join(root, 'dist', 'commands', `${command}.js`))});`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {cwd: root, encoding: 'utf8'});
  if (run.status !== 0) throw new Error(`importing ${command} failed: ${run.stderr}`);
  const resolved = fs.readFileSync(list, 'utf8');
  fs.rmSync(path.dirname(list), {recursive: true, force: true});
  if (!/\/dist\/src\//.test(resolved)) throw new Error(`the resolve hook saw none of ${command}'s modules: ${resolved}`);
  return new Set([...resolved.matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1]));
}

// CommonJS packages reached through require() are not seen by the hook, their first ESM import is.
const notOnDataPaths = ['avsc', '@kafkajs/confluent-schema-registry', 'zod', 'ink', 'react'];

describe('data-path commands load only what they use', () => {
  it.each(['tail-produce', 'spool-produce', 'consume'])('%s loads none of the Avro, registry, zod or ink packages', (command) => {
    expect(notOnDataPaths.filter((p) => packagesLoadedBy(command).has(p))).toEqual([]);
  });

  it.each(['tail-produce', 'spool-produce'])('%s, a producer with its own wire client, does not load kafkajs', (command) => {
    expect(packagesLoadedBy(command).has('kafkajs')).toBe(false);
  });
});
