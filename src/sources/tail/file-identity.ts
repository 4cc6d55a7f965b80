import {createHash} from 'node:crypto';
import type {FileHandle} from 'node:fs/promises';

/** How many leading bytes the fingerprint covers once the file is that long. */
export const FINGERPRINT_MAX_BYTES = 256;

/**
 * Which file this is, independent of its name: device + inode, plus a hash of its first bytes so
 * a reused inode (old file deleted, new one created) or a file rewritten in place (copytruncate)
 * is not taken for the file we were reading. A short file's fingerprint covers what it has and
 * grows with it; an empty file's covers nothing and matches on dev+ino alone.
 */
export interface FileIdentity {
  dev: string;
  ino: string;
  fingerprint: string;
  fingerprintBytes: number;
}

export function inodeKey(dev: string | bigint, ino: string | bigint): string {
  return `${dev}:${ino}`;
}

export function hashHead(head: Buffer): string {
  return createHash('sha256').update(head).digest('hex');
}

/** The first `length` bytes of an open file (fewer if it is shorter now). */
export async function readHead(handle: FileHandle, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const {bytesRead} = await handle.read(buf, got, length - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** Stats and fingerprints an open file: its identity as of now, plus its size. */
export async function identify(handle: FileHandle): Promise<{identity: FileIdentity; size: number}> {
  const st = await handle.stat({bigint: true});
  const size = Number(st.size);
  const head = await readHead(handle, Math.min(size, FINGERPRINT_MAX_BYTES));
  return {
    identity: {dev: String(st.dev), ino: String(st.ino), fingerprint: hashHead(head), fingerprintBytes: head.length},
    size,
  };
}

/**
 * Whether the file open in `handle` still starts with the bytes `known` fingerprinted. False when
 * the file got shorter than the fingerprint or its head changed: truncated and rewritten, or
 * another file on the same inode.
 */
export async function headMatches(handle: FileHandle, known: FileIdentity): Promise<boolean> {
  if (known.fingerprintBytes === 0) return true;
  const head = await readHead(handle, known.fingerprintBytes);
  return head.length === known.fingerprintBytes && hashHead(head) === known.fingerprint;
}
