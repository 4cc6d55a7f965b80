import fs from 'node:fs';

/**
 * `n` random bytes from the kernel's generator, the source Web Crypto and node:crypto draw from.
 * For a starting broker: Web Crypto's first use costs ~5 ms, loading node:crypto ~10 ms, reading
 * /dev/urandom a few microseconds. Web Crypto where there is no /dev/urandom.
 */
export function randomBytes(n: number): Buffer {
  let fd: number | undefined;
  try {
    fd = fs.openSync('/dev/urandom', 'r');
    const out = Buffer.alloc(n);
    if (fs.readSync(fd, out, 0, n, null) === n) return out;
  } catch {
    // not Linux-like: below
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return Buffer.from(crypto.getRandomValues(new Uint8Array(n)));
}
