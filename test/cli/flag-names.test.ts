import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {ROOT} from '../helpers/cli.js';

interface ManifestFlag {
  char?: string;
  aliases?: string[];
}

/** oclif takes the first flag with a letter or name; a second one with it could never be typed. */
describe('flag names', () => {
  it('no command has two flags with one letter or one name (aliases included)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {flags: Record<string, ManifestFlag>}>};
    const clashes: string[] = [];
    for (const [id, command] of Object.entries(manifest.commands)) {
      const taken = new Map<string, string>();
      for (const [name, flag] of Object.entries(command.flags)) {
        for (const spelling of [name, ...(flag.char ? [`-${flag.char}`] : []), ...(flag.aliases ?? [])]) {
          const first = taken.get(spelling);
          if (first !== undefined && first !== name) clashes.push(`${id}: ${spelling} is both --${first} and --${name}`);
          taken.set(spelling, name);
        }
      }
    }
    expect(clashes).toEqual([]);
    expect(Object.keys(manifest.commands).length).toBeGreaterThan(40);
  });
});
