/**
 * The data-path commands are timed from spawn against kcat, start-up included: their modules must
 * not pull in packages only other paths use (Avro and the schema registry client, zod, ink/react).
 * Each command's module is imported in a fresh node that reports every package it resolves.
 */
import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

// A resolve hook (it runs on the loader thread) prints each file it resolves.
const hook = `export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  process.stderr.write('RESOLVED ' + r.url + '\\n');
  return r;
}`;

/** The packages a command's module loads; throws unless the hook saw our own modules load. */
function packagesLoadedBy(command: string): Set<string> {
  const script = `import {register} from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
await import(${JSON.stringify(path.join(root, 'dist', 'commands', `${command}.js`))});`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {cwd: root, encoding: 'utf8'});
  if (run.status !== 0) throw new Error(`importing ${command} failed: ${run.stderr}`);
  if (!/^RESOLVED .*\/dist\/src\//m.test(run.stderr)) throw new Error(`the resolve hook saw none of ${command}'s modules: ${run.stderr}`);
  return new Set([...run.stderr.matchAll(/^RESOLVED .*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]));
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
