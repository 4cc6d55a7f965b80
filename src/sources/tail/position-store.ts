import fs from 'node:fs';
import path from 'node:path';
import {UserError} from '../../lib/errors.js';
import {writeFileAtomic} from '../../lib/fs.js';
import {InPlaceRecord} from '../../lib/in-place-record.js';
import {inodeKey, type FileIdentity} from './file-identity.js';

/** One followed file: who it is, where it was last seen, and how far its lines were delivered. */
export interface FilePosition extends FileIdentity {
  path: string;
  offset: number;
  /**
   * The file's real path, when `path` led to it through a symbolic link (or it was found under
   * another name): a restart looks for a file gone from `path` in that directory too.
   */
  target?: string;
  /** Which version of the file's content (see TailedFile.generation); absent: 0. */
  generation?: number;
}

interface PositionFileContent {
  version: 1;
  /** Counts whole saves: a progress record counts only for the version it was written after. */
  seq?: number;
  files: FilePosition[];
}

/** Offsets delivered since the whole save `seq`, per dev:ino key. */
interface Progress {
  seq: number;
  offsets: Record<string, number>;
}

/**
 * The position file: per file identity, the byte offset up to which lines were delivered. Kept
 * in memory and written whole and atomically when a file comes, goes or changes, so a crash
 * leaves the previous or the next version. Offsets that only moved on (after every batch) go to
 * a checksummed record rewritten in place next to it (FILE.progress), as the spool's ledger
 * does: a temp file and a rename per batch cost more than reading the batch. Keyed by dev+ino:
 * the fingerprint decides on lookup whether it is still the same file.
 */
export class PositionStore {
  private readonly entries = new Map<string, FilePosition>();
  /** A file came, went or changed other than its offset moving on: the next save is whole. */
  private wholeSaveDue = false;
  private advanced = false;
  /** The progress record holds offsets the position file does not. */
  private progressAhead = false;
  private lastWholeSave = Date.now();
  private readonly progress: InPlaceRecord;
  /** Settles once what the last save() wrote is in the file: true, or false when that failed. */
  private landed: Promise<boolean> = Promise.resolve(true);
  /** A progress record that could not be written, told by the next save(). */
  private failure?: unknown;

  private constructor(
    readonly file: string,
    /** False on the very first start: no position file existed yet. */
    readonly existed: boolean,
    private seq = 0,
  ) {
    this.progress = new InPlaceRecord(`${file}.progress`);
  }

  static load(file: string): PositionStore {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError(`cannot read position file ${file}: ${(err as Error).message}`, 'check its permissions');
      // A position file moved away to start over: a progress record left behind must not count.
      fs.rmSync(`${file}.progress`, {force: true});
      return new PositionStore(file, false);
    }
    const content = parse(file, text);
    const store = new PositionStore(file, true, content.seq ?? 0);
    for (const entry of content.files) store.entries.set(inodeKey(entry.dev, entry.ino), entry);
    const progress = InPlaceRecord.read(store.progress.file) as Progress | undefined;
    if (progress?.seq === store.seq && typeof progress.offsets === 'object' && progress.offsets !== null) {
      for (const [key, offset] of Object.entries(progress.offsets)) {
        const entry = store.entries.get(key);
        if (entry && Number.isSafeInteger(offset) && offset > entry.offset) entry.offset = offset;
      }
    }
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
    if (old && sameFile(old, position)) {
      if (position.offset === old.offset) return;
      if (position.offset > old.offset) {
        this.entries.set(key, {...old, offset: position.offset});
        this.advanced = true;
        return;
      }
    }
    this.entries.set(key, {...position});
    this.wholeSaveDue = true;
  }

  delete(dev: string, ino: string): void {
    if (this.entries.delete(inodeKey(dev, ino))) this.wholeSaveDue = true;
  }

  get hasChanges(): boolean {
    return this.wholeSaveDue || this.advanced;
  }

  /**
   * No fsync either way: a killed process keeps what was written, and an older position after an
   * OS crash only means lines read again, which the Kafka sink recognises. `whole`: write the
   * position file itself even if only offsets moved (on stop, so it reads complete on its own).
   * It is also written whole every WHOLE_SAVE_MS, so a torn progress record falls back to
   * offsets at most that old. The progress record is written on the thread pool: the promise
   * returned says when what this call saved is in the file (false: that write failed; the next
   * save() throws its error and the one after writes whole).
   */
  save({whole = false} = {}): Promise<boolean> {
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
    if (!this.hasChanges && !(whole && this.progressAhead)) return this.landed;
    if (!this.wholeSaveDue && !whole && Date.now() - this.lastWholeSave < WHOLE_SAVE_MS) {
      const offsets: Record<string, number> = {};
      for (const [key, entry] of this.entries) offsets[key] = entry.offset;
      const written = this.progress.writeInBackground({seq: this.seq, offsets} satisfies Progress);
      if (written) {
        this.advanced = false;
        this.progressAhead = true;
        this.landed = written.then(
          () => true,
          (err: unknown) => {
            // Nothing on disk may be relied on now: the next save is whole.
            this.wholeSaveDue = true;
            this.failure = err;
            return false;
          },
        );
        return this.landed;
      }
    }
    fs.mkdirSync(path.dirname(this.file), {recursive: true, mode: 0o700});
    const content: PositionFileContent = {version: 1, seq: this.seq + 1, files: this.all()};
    writeFileAtomic(this.file, `${JSON.stringify(content, null, 1)}\n`, {fsync: false});
    this.seq += 1;
    this.lastWholeSave = Date.now();
    this.wholeSaveDue = false;
    this.advanced = false;
    this.progressAhead = false;
    // A progress record still on its way counts for no version any more (its seq is older).
    this.landed = Promise.resolve(true);
    return this.landed;
  }

  /** Closes the progress record once its last write is done. */
  close(): Promise<void> {
    return this.progress.close();
  }
}

const WHOLE_SAVE_MS = 10_000;

/** The same file under the same name: only its offset may differ. */
function sameFile(a: FilePosition, b: FilePosition): boolean {
  return a.path === b.path && a.fingerprint === b.fingerprint && a.fingerprintBytes === b.fingerprintBytes && a.target === b.target && a.generation === b.generation;
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
        f.offset >= 0 &&
        (f.target === undefined || typeof f.target === 'string') &&
        (f.generation === undefined || (Number.isSafeInteger(f.generation) && f.generation >= 0)),
    );
  if (!valid) throw new UserError(`position file ${file} has an unexpected layout`, hint);
  return content;
}
