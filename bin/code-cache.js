// Loads a CommonJS file with V8's code cache: the compiled code of its last run is kept in a cache
// directory, so the next start skips most of the compiling (about 15 ms of `broker start` on
// Node 20, which has no module.enableCompileCache). One path for every Node version.
// No node:crypto here: loading it would cost about as much as the cache saves.
import fs from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/** Node's own variable names the directory; otherwise a directory of this user's in the temp dir. */
function cacheDir() {
  return process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), `kcollect-compile-cache-${process.getuid?.() ?? 'user'}`);
}

/**
 * The cache's file name. V8 checks a cache only against the source's length, so the name carries
 * the build's hash of the source (its first line, see bin/bundle-broker.js), and the file's size
 * and time, which change when anyone edits it after the build.
 */
function cacheName(file, source, stat) {
  const build = /^\/\/ build ([0-9a-f]+)\n/.exec(source)?.[1] ?? 'unhashed';
  return `${path.basename(file)}-${build}-${stat.size}-${stat.mtimeMs}-${process.version}-${process.arch}.v8`;
}

/**
 * Compiled code from a directory another user can write would run as ours: a directory that is
 * not the user's own, or that others can write, is neither read nor written.
 */
function ownDir(dir) {
  const stat = fs.statSync(dir);
  return !process.getuid || (stat.uid === process.getuid() && (stat.mode & 0o022) === 0);
}

function readCache(dir, name) {
  try {
    return ownDir(dir) ? fs.readFileSync(path.join(dir, name)) : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(dir, name, data) {
  const tmp = path.join(dir, `${name}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(dir, {recursive: true, mode: 0o700});
    if (!ownDir(dir)) return;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, path.join(dir, name)); // concurrent starts never read a half-written cache
    pruneCaches(dir, name.slice(0, name.indexOf('.cjs-') + 5));
  } catch {
    // a read-only directory or a full disk: no cache, and no partial file left behind
    fs.rmSync(tmp, {force: true});
  }
}

/** Caches kept per bundle: each build (and Node version) writes its own, the oldest go. */
const KEPT = 4;

/** `prefix`: the bundle's file name and a dash (see cacheName). */
function pruneCaches(dir, prefix) {
  const caches = fs
    .readdirSync(dir)
    .filter((n) => n.startsWith(prefix) && n.endsWith('.v8'))
    .map((n) => ({n, at: fs.statSync(path.join(dir, n), {throwIfNoEntry: false})?.mtimeMs ?? 0}))
    .sort((a, b) => b.at - a.at);
  for (const {n} of caches.slice(KEPT)) fs.rmSync(path.join(dir, n), {force: true});
}

export function requireWithCodeCache(file) {
  const source = fs.readFileSync(file, 'utf8');
  const dir = cacheDir();
  const name = cacheName(file, source, fs.statSync(file));
  const cachedData = readCache(dir, name);
  const script = new vm.Script(module.wrap(source), {filename: file, cachedData});
  const mod = {exports: {}};
  script.runInThisContext()(mod.exports, module.createRequire(file), mod, file, path.dirname(file));
  // Written a second after start, so it also holds the functions compiled while starting, or at
  // exit by a shorter run (`tail-produce --exit`, an argument error).
  if (!cachedData || script.cachedDataRejected) {
    const write = () => {
      clearTimeout(timer);
      process.off('exit', write);
      writeCache(dir, name, script.createCachedData());
    };
    const timer = setTimeout(write, 1000).unref();
    process.on('exit', write);
  }
  return mod.exports;
}
