import fs from 'node:fs';
import path from 'node:path';
import {UserError} from '../../lib/errors.js';
import {writeFileAtomic} from '../../lib/fs.js';
import {inodeKey, type FileIdentity} from './file-identity.js';

/** One followed file: who it is, where it was last seen, and how far its lines were delivered. */
export interface FilePosition extends FileIdentity {
  path: string;
  offset: number;
}

interface PositionFileContent {
  version: 1;
  files: FilePosition[];
}

/**
 * The position file: per file identity, the byte offset up to which lines were delivered. Kept
 * in memory, written whole and atomically, so a crash leaves the previous or the next version.
 * Keyed by dev+ino: the fingerprint decides on lookup whether it is still the same file.
 */
export class PositionStore {
  private readonly entries = new Map<string, FilePosition>();
  private dirty = false;

  private constructor(
    readonly file: string,
    /** False on the very first start: no position file existed yet. */
    readonly existed: boolean,
  ) {}

  static load(file: string): PositionStore {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new PositionStore(file, false);
      throw new UserError(`cannot read position file ${file}: ${(err as Error).message}`, 'check its permissions');
    }
    const store = new PositionStore(file, true);
    for (const entry of parse(file, text).files) store.entries.set(inodeKey(entry.dev, entry.ino), entry);
    return store;
  }

  get(dev: string, ino: string): FilePosition | undefined {
    return this.entries.get(inodeKey(dev, ino));
  }

  all(): FilePosition[] {
    return [...this.entries.values()];
  }

  set(position: FilePosition): void {
    const key = inodeKey(position.dev, position.ino);
    const old = this.entries.get(key);
    if (old && samePosition(old, position)) return;
    this.entries.set(key, {...position});
    this.dirty = true;
  }

  delete(dev: string, ino: string): void {
    if (this.entries.delete(inodeKey(dev, ino))) this.dirty = true;
  }

  get hasChanges(): boolean {
    return this.dirty;
  }

  save(): void {
    if (!this.dirty) return;
    fs.mkdirSync(path.dirname(this.file), {recursive: true, mode: 0o700});
    const content: PositionFileContent = {version: 1, files: this.all()};
    // Written after every delivered batch, so no fsync: a killed process keeps it, and an older
    // position after an OS crash only means lines read again, which the Kafka sink recognises.
    writeFileAtomic(this.file, `${JSON.stringify(content, null, 1)}\n`, {fsync: false});
    this.dirty = false;
  }
}

function samePosition(a: FilePosition, b: FilePosition): boolean {
  return a.offset === b.offset && a.path === b.path && a.fingerprint === b.fingerprint && a.fingerprintBytes === b.fingerprintBytes;
}

function parse(file: string, text: string): PositionFileContent {
  const hint = 'it was not written by kcollect tail-produce; move it away to start over (files are then read as on a first start)';
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UserError(`position file ${file} is not valid JSON`, hint);
  }
  const content = data as PositionFileContent;
  const valid =
    content?.version === 1 &&
    Array.isArray(content.files) &&
    content.files.every(
      (f) =>
        typeof f?.dev === 'string' &&
        typeof f.ino === 'string' &&
        typeof f.fingerprint === 'string' &&
        Number.isSafeInteger(f.fingerprintBytes) &&
        typeof f.path === 'string' &&
        Number.isSafeInteger(f.offset) &&
        f.offset >= 0,
    );
  if (!valid) throw new UserError(`position file ${file} has an unexpected layout`, hint);
  return content;
}
