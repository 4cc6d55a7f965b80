#!/usr/bin/env node
// Bundles `kcollect broker start` (dist/src/cli/broker-start-fast.js and what it imports) into one
// CommonJS file, dist/broker/broker-start-fast.cjs, after a build, and each data-path command
// (tail-produce, spool-produce, consume: dist/commands/NAME.js) into dist/data-path/NAME.cjs. Node
// reads and compiles one file instead of ~90 modules, and bin/run.js loads it through V8's code
// cache (bin/code-cache.js).
// CommonJS, not ESM: in one ESM file the imports of modules loaded on first use (the handlers of
// rarely used APIs, TLS, ZooKeeper, codecs) would be hoisted and run at start; CommonJS keeps them
// lazy. Packages in node_modules are not bundled. A data-path bundle also holds oclif (its copy of
// dist/oclif/core.cjs) and exports the Config, flush and handle bin/run.js runs it with: on Node 20,
// which has no module.enableCompileCache, oclif then loads from the code cache too (~15 ms).
import crypto from 'node:crypto';
import fs from 'node:fs';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {asciiOnly} from './ascii-only.js';

const dist = (p) => fileURLToPath(new URL(`../dist/${p}`, import.meta.url));
for (const dir of ['broker', 'data-path']) fs.rmSync(dist(dir), {recursive: true, force: true});
await bundle('src/cli/broker-start-fast.js', 'broker/broker-start-fast.cjs');
for (const command of ['tail-produce', 'spool-produce', 'consume']) await bundle(`commands/${command}.js`, `data-path/${command}.cjs`, true);

async function bundle(entry, out, withOclif = false) {
  const outfile = dist(out);
  await build({
    ...(withOclif
      ? {stdin: {contents: `export {default} from ${JSON.stringify(dist(entry))};\nexport {Config, flush, handle} from '#oclif';`, resolveDir: dist(''), loader: 'js'}}
      : {entryPoints: [dist(entry)]}),
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // The broker's fallback shares oclif's one bundle with bin/run.js: require('#oclif') finds it
    // (package.json "imports"). A data-path bundle takes that file in (esbuild alone would pick the
    // ES module that `import` resolves to, which only requires it).
    external: withOclif ? [] : ['#oclif'],
    plugins: withOclif ? [{name: 'oclif-bundle', setup: (b) => b.onResolve({filter: /^#oclif$/}, () => ({path: dist('oclif/core.cjs')}))}] : [],
    // import() of a package becomes require(): the code runs in a vm.Script, which has no ESM loader.
    supported: {'dynamic-import': false},
    define: {'import.meta.url': '__import_meta_url'},
    banner: {js: '"use strict";\nconst __import_meta_url = require("node:url").pathToFileURL(__filename).href;\nconst __nodeBuiltin = (m) => Object.create(m, {default: {value: m}});'},
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });

  // esbuild's CommonJS interop (__toESM) copies every property of a module for each default import
  // of it: 18 times node:fs, about 8 ms of the start, and reading fs.promises loads fs/promises. A
  // Node built-in needs no copy: its own properties serve the named imports, `default` is itself.
  const builtinImport = /__toESM\((require\("node:[\w/]+"\)),1\)/g;
  const code = asciiOnly(fs.readFileSync(outfile, 'utf8').replace(builtinImport, '__nodeBuiltin($1)'));
  if (code.includes('__toESM(require("node:')) throw new Error('bundle-broker: esbuild wrote Node built-in imports in a form this script does not know');

  // The first line names the build: bin/code-cache.js keys its cache by it.
  fs.writeFileSync(outfile, `// build ${crypto.createHash('sha1').update(code).digest('hex')}\n${code}`);
}
