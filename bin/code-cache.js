// Loads a CommonJS file with V8's code cache: the compiled code of its last run is kept in a cache
// directory, so the next start skips most of the compiling (about 15 ms of `broker start` on
// Node 20, which has no module.enableCompileCache). One path for every Node version.
import crypto from 'node:crypto';
import fs from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/** Node's own variable names the directory; otherwise a directory of this user's in the temp dir. */
function cacheDir() {
  return process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), `kcollect-compile-cache-${process.getuid?.() ?? 'user'}`);
}

/** The cache, if it is ours: compiled code from a directory another user can write would run as ours. */
function readCache(dir, file) {
  try {
    const stat = fs.statSync(dir);
    if (process.getuid && (stat.uid !== process.getuid() || (stat.mode & 0o022) !== 0)) return undefined;
    return fs.readFileSync(path.join(dir, file));
  } catch {
    return undefined;
  }
}

function writeCache(dir, file, data) {
  try {
    fs.mkdirSync(dir, {recursive: true, mode: 0o700});
    const tmp = path.join(dir, `${file}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, path.join(dir, file)); // concurrent starts never read a half-written cache
  } catch {
    // a read-only or foreign directory: start without a cache next time too
  }
}

export function requireWithCodeCache(file) {
  const source = fs.readFileSync(file, 'utf8');
  // V8 checks a cache only against the source's length: the name carries a hash of the source itself.
  const key = crypto.createHash('sha1').update(`${process.version} ${process.arch}\n`).update(source).digest('hex');
  const dir = cacheDir();
  const cacheFile = `${path.basename(file)}-${key}.v8`;
  const cachedData = readCache(dir, cacheFile);
  const script = new vm.Script(module.wrap(source), {filename: file, cachedData});
  const mod = {exports: {}};
  script.runInThisContext()(mod.exports, module.createRequire(file), mod, file, path.dirname(file));
  // Written a second after start, so it also holds the functions compiled while starting.
  if (!cachedData || script.cachedDataRejected) setTimeout(() => writeCache(dir, cacheFile, script.createCachedData()), 1000).unref();
  return mod.exports;
}
