#!/usr/bin/env node
// Writes oclif.manifest.json (what `oclif manifest` does) after a build: with it, oclif loads only
// the command being run instead of importing every command to read its flags, so the CLI starts
// in about 0.3 s instead of 1.5 s.
import fs from 'node:fs';
import {fileURLToPath} from 'node:url';
import {Plugin} from '#oclif';

const root = fileURLToPath(new URL('..', import.meta.url));
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true});
await plugin.load();
fs.writeFileSync(new URL('../oclif.manifest.json', import.meta.url), JSON.stringify(plugin.manifest));
