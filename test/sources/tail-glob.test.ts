import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {tempDir} from '../helpers/broker.js';
import {expandPattern, matchesAnyPattern} from '../../src/sources/tail/glob.js';

/** A tree of files under a fresh directory: names relative to it. */
function tree(files: string[]): string {
  const root = tempDir('glob');
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f)), {recursive: true});
    fs.writeFileSync(path.join(root, f), 'x\n');
  }
  return root;
}

describe('globs with ** (bash globstar: any number of directories)', () => {
  const files = ['top.log', 'a/one.log', 'a/b/two.log', 'a/b/c/three.log', 'a/b/notes.txt', '.hidden/h.log', 'a/.cache/x.log', 'z/.dot.log'];

  it('DIR/**/*.log: the files at every depth, DIR itself included; no hidden directory or file', async () => {
    const root = tree(files);
    const found = (await expandPattern(path.join(root, '**/*.log'))).map((f) => path.relative(root, f));
    expect(found.sort()).toEqual(['a/b/c/three.log', 'a/b/two.log', 'a/one.log', 'top.log']);
    for (const f of found) expect(matchesAnyPattern(path.join(root, f), [path.join(root, '**/*.log')])).toBe(true);
    for (const f of ['.hidden/h.log', 'a/.cache/x.log', 'z/.dot.log', 'a/b/notes.txt']) expect(matchesAnyPattern(path.join(root, f), [path.join(root, '**/*.log')])).toBe(false);
  });

  it('a trailing ** is every file below; ** in the middle; ** inside a name is *', async () => {
    const root = tree(files);
    const rel = async (p: string) => (await expandPattern(path.join(root, p))).map((f) => path.relative(root, f)).sort();
    expect(await rel('a/**')).toEqual(['a/b/c/three.log', 'a/b/notes.txt', 'a/b/two.log', 'a/one.log']);
    expect(await rel('a/**/c/*.log')).toEqual(['a/b/c/three.log']);
    expect(await rel('**/b/*')).toEqual(['a/b/notes.txt', 'a/b/two.log']);
    expect(await rel('a/**.log')).toEqual(['a/one.log']);
    expect(matchesAnyPattern(path.join(root, 'a/b/c/three.log'), [path.join(root, 'a/**')])).toBe(true);
    expect(matchesAnyPattern(path.join(root, 'a/b/c/three.log'), [path.join(root, 'a/**/c/*.log')])).toBe(true);
    expect(matchesAnyPattern(path.join(root, 'a/b/two.log'), [path.join(root, 'a/**.log')])).toBe(false);
  });

  it('does not follow a symbolic link to a directory (no loops)', async () => {
    const root = tree(['d/real.log']);
    fs.symlinkSync(root, path.join(root, 'd', 'loop'));
    expect((await expandPattern(path.join(root, '**/*.log'))).map((f) => path.relative(root, f))).toEqual(['d/real.log']);
  });
});
