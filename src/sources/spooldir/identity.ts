import type fs from 'node:fs';
import {hashHead, readHead} from '../tail/file-identity.js';

/** How many leading bytes identify a file's content (with its device, inode and size). */
export const FINGERPRINT_BYTES = 4096;

/** A hash of the first `bytes` bytes: tells a re-used inode or name from the file we read. */
export function fingerprint(fh: fs.promises.FileHandle, bytes: number): string {
  return hashHead(readHead(fh, bytes));
}
