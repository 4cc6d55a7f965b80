import {createHash} from 'node:crypto';
import type fs from 'node:fs';

/** How many leading bytes identify a file's content (with its device, inode and size). */
export const FINGERPRINT_BYTES = 4096;

/** sha256 of the first `bytes` bytes: tells a re-used inode or name from the file we read. */
export async function fingerprint(fh: fs.promises.FileHandle, bytes: number): Promise<string> {
  const buf = Buffer.alloc(bytes);
  let got = 0;
  while (got < bytes) {
    const {bytesRead} = await fh.read(buf, got, bytes - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return createHash('sha256').update(buf.subarray(0, got)).digest('hex');
}
