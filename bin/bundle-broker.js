#!/usr/bin/env node
// Bundles `kcollect broker start` (dist/src/cli/broker-start-fast.js and what it imports) into one
// CommonJS file, dist/broker/broker-start-fast.cjs, after a build. Node reads and compiles one file
// instead of ~90 modules, and bin/run.js loads it through V8's code cache (bin/code-cache.js).
// CommonJS, not ESM: in one ESM file the imports of modules loaded on first use (the handlers of
// rarely used APIs, TLS, ZooKeeper, codecs) would be hoisted and run at start; CommonJS keeps them
// lazy. Packages in node_modules are not bundled.
import fs from 'node:fs';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const dist = (p) => fileURLToPath(new URL(`../dist/${p}`, import.meta.url));
fs.rmSync(dist('broker'), {recursive: true, force: true});
await build({
  entryPoints: [dist('src/cli/broker-start-fast.js')],
  outfile: dist('broker/broker-start-fast.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // import() of a package becomes require(): the code runs in a vm.Script, which has no ESM loader.
  supported: {'dynamic-import': false},
  define: {'import.meta.url': '__import_meta_url'},
  banner: {js: '"use strict";\nconst __import_meta_url = require("node:url").pathToFileURL(__filename).href;'},
  logLevel: 'warning',
});
