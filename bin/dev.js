#!/usr/bin/env node
// Development entry: rebuilds what changed (tsc --incremental, about a second) and runs it, so
// the TypeScript you just edited is what runs. (oclif's own tsx registration fails with tsx 4.2x.)
import {execFileSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {execute} from '#oclif';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', root], {stdio: 'inherit'});
execFileSync(process.execPath, [fileURLToPath(new URL('write-manifest.js', import.meta.url))], {stdio: 'inherit'});
await execute({dir: import.meta.url});
