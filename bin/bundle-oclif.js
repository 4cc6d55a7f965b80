#!/usr/bin/env node
// Bundles @oclif/core and the packages it uses into one CommonJS file, dist/oclif/core.cjs, after a
// build: Node reads and compiles one file instead of ~170 before each command. The CLI and every
// command import it as `#oclif` (package.json "imports" -> dist/oclif/index.js), so one copy of
// oclif serves both; TypeScript takes the types from @oclif/core.
import fs from 'node:fs';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {asciiOnly} from './ascii-only.js';

const dist = (p) => fileURLToPath(new URL(`../dist/oclif/${p}`, import.meta.url));
fs.rmSync(dist(''), {recursive: true, force: true});
await build({
  entryPoints: [fileURLToPath(new URL('../node_modules/@oclif/core/lib/index.js', import.meta.url))],
  outfile: dist('core.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Only loaded to run TypeScript sources through ts-node, which an installed CLI never does: it
  // would add 9 MB.
  external: ['typescript'],
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
fs.writeFileSync(dist('core.cjs'), asciiOnly(fs.readFileSync(dist('core.cjs'), 'utf8')));

// `#oclif` is this ES module, which names each export and takes them from the bundle by require():
// importing the bundle itself would make Node scan its 0.5 MB for export names (~50 ms).
const names = Object.keys(await import('@oclif/core')).filter((name) => name !== 'default');
fs.writeFileSync(dist('index.js'), `import {createRequire} from 'node:module';
const oclif = createRequire(import.meta.url)('./core.cjs');
export const {${names.join(', ')}} = oclif;
`);
