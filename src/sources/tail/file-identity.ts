import {createHash} from 'node:crypto';
import fs from 'node:fs';
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

/*
 * Reads here are synchronous: a followed file is read from the page cache in microseconds, less
 * than a trip through libuv's thread pool and a promise, and the tail reads on every write.
 */

/** The first `length` bytes of an open file (fewer if it is shorter now). */
export function readHead(handle: FileHandle, length: number): Buffer {
  return readAt(handle, 0, length);
}

/** `length` bytes at `position` of an open file (fewer if it is shorter now). */
export function readAt(handle: FileHandle, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const bytesRead = fs.readSync(handle.fd, buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** Stats and fingerprints an open file: its identity as of now, plus its size. */
export function identify(handle: FileHandle): {identity: FileIdentity; size: number} {
  const st = fs.fstatSync(handle.fd, {bigint: true});
  const size = Number(st.size);
  const head = readHead(handle, Math.min(size, FINGERPRINT_MAX_BYTES));
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
export function headMatches(handle: FileHandle, known: FileIdentity): boolean {
  if (known.fingerprintBytes === 0) return true;
  const head = readHead(handle, known.fingerprintBytes);
  const seen = matchedHeads.get(known);
  if (seen) return head.equals(seen);
  const matches = head.length === known.fingerprintBytes && hashHead(head) === known.fingerprint;
  if (matches) matchedHeads.set(known, head);
  return matches;
}

/** The first bytes of `known`'s file as last matched, when this process matched them. */
export function knownHead(known: FileIdentity): Buffer | undefined {
  return matchedHeads.get(known);
}

/**
 * The bytes each identity's fingerprint was last matched against: the tail checks the head after
 * every read, and comparing 256 bytes costs a small fraction of hashing them again.
 */
const matchedHeads = new WeakMap<FileIdentity, Buffer>();
