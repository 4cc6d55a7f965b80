/**
 * `broker start` loads its bundle through V8's code cache (bin/code-cache.js). The cache only
 * speeds start-up: a missing, damaged or stale cache must never stop the broker from starting.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {spawnBrokerWith, tempDir, type BrokerProcess} from '../helpers/broker.js';
import {kcollectJson} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';

async function stop(b: BrokerProcess): Promise<void> {
  b.proc.kill('SIGTERM');
  await b.exited;
}

const cacheFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.v8')) : []);

describe('broker start with a code cache', () => {
  it('writes the cache, and starts and serves with a damaged one, which it replaces', async () => {
    const cache = path.join(tempDir('code-cache'), 'cache');
    const env = {NODE_COMPILE_CACHE: cache};
    const first = await spawnBrokerWith(['--listen', '127.0.0.1:0', '--data-dir', tempDir('code-cache-data')], env);
    await until(() => cacheFiles(cache).length === 1, 'the code cache to be written');
    await stop(first);

    const [file] = cacheFiles(cache);
    const garbage = Buffer.alloc(fs.statSync(path.join(cache, file)).size, 0x5a);
    fs.writeFileSync(path.join(cache, file), garbage);
    const second = await spawnBrokerWith(['--listen', '127.0.0.1:0', '--data-dir', tempDir('code-cache-data')], env);
    try {
      await kcollectJson(second.bootstrap, ['topic', 'create', 'cached', '--partitions', '1']);
      expect(JSON.stringify(await kcollectJson(second.bootstrap, ['topic', 'list']))).toContain('cached');
      await until(() => !fs.readFileSync(path.join(cache, file)).equals(garbage), 'the damaged cache to be replaced');
    } finally {
      await stop(second);
    }
  });

  it("keeps a bundle's newest caches only (each build writes its own), and leaves other bundles' alone", async () => {
    const cache = path.join(tempDir('code-cache'), 'cache');
    fs.mkdirSync(cache, {mode: 0o700});
    const old = (name: string, daysAgo: number) => {
      fs.writeFileSync(path.join(cache, name), 'stale');
      const at = new Date(Date.now() - daysAgo * 86_400_000);
      fs.utimesSync(path.join(cache, name), at, at);
    };
    for (let i = 1; i <= 5; i++) old(`broker-start-fast.cjs-${String(i).repeat(40)}-1-1-v0-x64.v8`, i);
    old(`tail-produce.cjs-${'9'.repeat(40)}-1-1-v0-x64.v8`, 30);
    const broker = await spawnBrokerWith(['--listen', '127.0.0.1:0', '--data-dir', tempDir('code-cache-data')], {NODE_COMPILE_CACHE: cache});
    try {
      await until(() => cacheFiles(cache).filter((f) => f.startsWith('broker-start-fast.cjs-')).length === 4, 'the oldest caches to be pruned');
      const kept = cacheFiles(cache).filter((f) => f.startsWith('broker-start-fast.cjs-'));
      // The new cache and the three newest old ones.
      expect(kept.filter((f) => fs.readFileSync(path.join(cache, f), 'utf8') === 'stale').sort()).toEqual([1, 2, 3].map((i) => `broker-start-fast.cjs-${String(i).repeat(40)}-1-1-v0-x64.v8`));
      expect(cacheFiles(cache)).toContain(`tail-produce.cjs-${'9'.repeat(40)}-1-1-v0-x64.v8`);
    } finally {
      await stop(broker);
    }
  });

  it('neither reads nor writes a cache directory that others can write', async () => {
    const shared = path.join(tempDir('code-cache'), 'shared');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o777);
    const own = path.join(tempDir('code-cache'), 'own');
    const exposed = await spawnBrokerWith(['--listen', '127.0.0.1:0', '--data-dir', tempDir('code-cache-data')], {NODE_COMPILE_CACHE: shared});
    // Started after the first, so the first would have written its cache by the time this one has.
    const control = await spawnBrokerWith(['--listen', '127.0.0.1:0', '--data-dir', tempDir('code-cache-data')], {NODE_COMPILE_CACHE: own});
    try {
      await until(() => cacheFiles(own).length === 1, 'the control broker\'s code cache to be written');
      // Node 22+ keeps its own compile cache there too (NODE_COMPILE_CACHE): only ours must be absent.
      expect(cacheFiles(shared)).toEqual([]);
    } finally {
      await Promise.all([stop(exposed), stop(control)]);
    }
  });
});
