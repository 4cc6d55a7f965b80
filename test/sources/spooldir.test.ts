import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {describe, expect, it} from 'vitest';
import {tempDir} from '../helpers/broker.js';
import {UserError} from '../../src/lib/errors.js';
import {SpoolDirSource, type SpoolDirOptions} from '../../src/sources/spooldir/source.js';
import {writeStatusFile} from '../../src/simulate/status.js';
import {RECORD_LINE} from '../../src/simulate/common.js';
import {RecordingContext, eventually} from './spooldir-context.js';

function spool(dir: string, options: Partial<SpoolDirOptions> = {}): SpoolDirSource {
  return new SpoolDirSource({name: 'spool', dir, stableMs: 0, pollIntervalMs: 10, ...options});
}

/** Writes a file with an mtime `ageS` seconds in the past (ordering is by mtime). */
function drop(dir: string, name: string, content: string | Buffer, ageS = 0): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  if (ageS) {
    const t = new Date(Date.now() - ageS * 1000);
    fs.utimesSync(file, t, t);
  }
  return file;
}

const exists = (dir: string, name: string) => fs.existsSync(path.join(dir, name));
const ledgerFiles = (dir: string) => Object.keys(JSON.parse(fs.readFileSync(path.join(dir, '.kcollect-spool', 'ledger.json'), 'utf8')).files);

describe('spooldir source', () => {
  it('ingests complete files oldest first, line by line (LF and CRLF), then renames them .COMPLETED', async () => {
    const dir = tempDir('spool');
    drop(dir, 'b.log', 'b1\r\nb2\r\nb3 no newline', 20);
    drop(dir, 'a.log', 'a1\n\na3\n', 10);
    const ctx = new RecordingContext();
    const running = spool(dir, {fileHeaderKey: 'file', basenameHeaderKey: 'basename'}).run(ctx);
    await eventually(() => exists(dir, 'a.log.COMPLETED') && exists(dir, 'b.log.COMPLETED'), 'both files renamed');
    ctx.stop();
    await running;

    expect(ctx.bodies()).toEqual(['b1', 'b2', 'b3 no newline', 'a1', '', 'a3']);
    expect(ctx.events[0].headers).toEqual({file: path.join(dir, 'b.log'), basename: 'b.log'});
    expect(ctx.events.map((e) => e.origin?.offset)).toEqual([0, 4, 8, 0, 3, 4]);
    expect(ctx.events[3].origin?.inode).toBe(fs.statSync(path.join(dir, 'a.log.COMPLETED')).ino);
    expect(exists(dir, 'a.log') || exists(dir, 'b.log')).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'a.log.COMPLETED'), 'utf8')).toBe('a1\n\na3\n');
    expect(ledgerFiles(dir)).toEqual([]); // nothing left to remember once renamed
    expect(ctx.counts.get('AppendBatchAcceptedCount')).toBeGreaterThanOrEqual(1);
    expect(ctx.events.every((e) => e.rejected === undefined)).toBe(true);
  });

  it('notices a file dropped in at once and takes it when stable, with an hour between polls', async () => {
    const dir = tempDir('spool-events');
    const ctx = new RecordingContext();
    const running = spool(dir, {pollIntervalMs: 3_600_000, stableMs: 200}).run(ctx);
    await new Promise((r) => setTimeout(r, 100)); // the source is watching
    drop(dir, 'late.log', 'x1\nx2\n');
    await eventually(() => exists(dir, 'late.log.COMPLETED'), 'the dropped file ingested');
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(['x1', 'x2']);
  });

  it('takes a file moved in whole (mtime older than stable-for) without watching it, a fresh one only once watched', async () => {
    const dir = tempDir('spool-moved');
    const outside = tempDir('spool-outside');
    const ctx = new RecordingContext();
    const running = spool(dir, {pollIntervalMs: 3_600_000, stableMs: 3_600_000}).run(ctx);
    drop(dir, 'fresh.log', 'f1\n');
    const moved = drop(outside, 'moved.log', 'm1\nm2\n', 7200);
    fs.renameSync(moved, path.join(dir, 'moved.log'));
    await eventually(() => exists(dir, 'moved.log.COMPLETED'), 'the moved file ingested');
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(['m1', 'm2']);
    expect(exists(dir, 'fresh.log')).toBe(true);
  });

  it('deletes ingested files with deletePolicy immediate', async () => {
    const dir = tempDir('spool');
    drop(dir, 'status.txt', 'x\ny\n');
    const ctx = new RecordingContext();
    const running = spool(dir, {deletePolicy: 'immediate'}).run(ctx);
    await eventually(() => !exists(dir, 'status.txt'), 'file deleted');
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(['x', 'y']);
    expect(fs.readdirSync(dir).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it('leaves ignored, not-included, hidden and temporary files alone; a temporary file is taken once renamed', async () => {
    const dir = tempDir('spool');
    // All older than the file that is read, so they would have come first.
    drop(dir, 'skip.bak', 'ignored\n', 50);
    drop(dir, 'notes.md', 'not included\n', 50);
    drop(dir, '.hidden.log', 'hidden\n', 50);
    drop(dir, 'late.log.tmp', 'late\n', 50);
    drop(dir, 'now.log', 'now\n');
    const ctx = new RecordingContext();
    const running = spool(dir, {ignorePattern: /\.bak$/, includePattern: /\.(log|bak)(\.tmp)?$/, tempSuffixes: ['.tmp', '.part']}).run(ctx);
    await eventually(() => exists(dir, 'now.log.COMPLETED'), 'now.log renamed');
    expect(ctx.bodies()).toEqual(['now']);
    expect(['skip.bak', 'notes.md', '.hidden.log', 'late.log.tmp'].every((n) => exists(dir, n))).toBe(true);

    fs.renameSync(path.join(dir, 'late.log.tmp'), path.join(dir, 'late.log'));
    await eventually(() => exists(dir, 'late.log.COMPLETED'), 'late.log renamed');
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(['now', 'late']);
  });

  it('leaves downloads in progress (.part, .crdownload, .partial), editor backups (~) and .tmp files alone by default; tempSuffixes replaces that list', async () => {
    const dir = tempDir('spool-temp');
    const partial = ['report.csv.part', 'report.csv.crdownload', 'report.csv.partial', 'notes.txt~', 'batch.log.tmp'];
    // All older than the file that is read, so they would have come first.
    for (const name of partial) drop(dir, name, `${name}\n`, 50);
    drop(dir, 'now.log', 'now\n');
    const ctx = new RecordingContext();
    const running = spool(dir).run(ctx);
    await eventually(() => exists(dir, 'now.log.COMPLETED'), 'now.log renamed');
    // The download completes: renamed to its final name, it is taken.
    fs.renameSync(path.join(dir, 'report.csv.part'), path.join(dir, 'report.csv'));
    await eventually(() => exists(dir, 'report.csv.COMPLETED'), 'the completed download taken');
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(['now', 'report.csv.part']);
    expect(partial.slice(1).every((n) => exists(dir, n))).toBe(true);

    // The user's own list replaces the default one.
    const own = new RecordingContext();
    const again = spool(dir, {tempSuffixes: ['.tmp', '.writing']}).run(own);
    await eventually(() => ['notes.txt~', 'report.csv.crdownload', 'report.csv.partial'].every((n) => exists(dir, `${n}.COMPLETED`)), 'the names the own list does not name taken');
    own.stop();
    await again;
    expect(exists(dir, 'batch.log.tmp')).toBe(true);
    expect(own.bodies().sort()).toEqual(['notes.txt~', 'report.csv.crdownload', 'report.csv.partial']);
  });

  it('says once that a subdirectory is not read, and reads on', async () => {
    const dir = tempDir('spool-subdirs');
    fs.mkdirSync(path.join(dir, 'day1'));
    drop(path.join(dir, 'day1'), 'inner.log', 'inner\n');
    fs.mkdirSync(path.join(dir, '.cache')); // hidden, as the ledger's directory: not said
    drop(dir, 'top.log', 'top\n');
    const ctx = new RecordingContext();
    const running = spool(dir).run(ctx);
    await eventually(() => exists(dir, 'top.log.COMPLETED'), 'top.log renamed');
    fs.mkdirSync(path.join(dir, 'day2'));
    drop(dir, 'next.log', 'next\n');
    await eventually(() => exists(dir, 'next.log.COMPLETED'), 'next.log renamed');
    drop(dir, 'last.log', 'last\n');
    await eventually(() => exists(dir, 'last.log.COMPLETED'), 'last.log renamed');
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(['top', 'next', 'last']);
    expect(exists(dir, 'day1/inner.log')).toBe(true);
    const said = ctx.logs.filter((l) => l.includes('is a directory: not read'));
    expect(said).toHaveLength(2);
    expect(said[0]).toBe(`${path.join(dir, 'day1')} is a directory: not read (a spool source reads the files of ${dir} only, not of its subdirectories; give a directory its own spool source, or move its files up)`);
    expect(said[1]).toMatch(new RegExp(`^${path.join(dir, 'day2')} is a directory`));
  });

  it('leaves a compressed file (gzip, bzip2, zstd, xz) where it is, said once each and counted, instead of sending it as binary; a catch-up run ends naming it', async () => {
    const dir = tempDir('spool-compressed');
    const noise = Buffer.from('\x00\x1b\xff binary\n', 'latin1');
    drop(dir, 'day1.log.gz', zlib.gzipSync('d1\nd2\n'), 50);
    drop(dir, 'day2.log.bz2', Buffer.concat([Buffer.from('BZh91AY&SY'), noise]), 50);
    drop(dir, 'day3.log.zst', Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), noise]), 50);
    drop(dir, 'day4.xz', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), noise]), 50);
    drop(dir, 'day5.log', 'd5\n');
    const ctx = new RecordingContext();
    const running = spool(dir).run(ctx);
    await eventually(() => exists(dir, 'day5.log.COMPLETED'), 'the text file read past the compressed ones');
    // Another look at the compressed files (older, so looked at first) before the next file is read.
    drop(dir, 'day6.log', 'd6\n');
    await eventually(() => exists(dir, 'day6.log.COMPLETED'), 'day6.log renamed');
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(['d5', 'd6']);
    expect(ctx.events.filter((e) => e.rejected)).toEqual([]);
    const said = ctx.logs.filter((l) => l.includes('-compressed: left in the spool directory as it is'));
    expect(said.map((l) => path.basename(l.split(' ')[0]))).toEqual(['day1.log.gz', 'day2.log.bz2', 'day3.log.zst', 'day4.xz']);
    expect(said[0]).toBe(`${path.join(dir, 'day1.log.gz')} is gzip-compressed: left in the spool directory as it is and passed over (lines are read from text files only); decompress it outside the spool directory and mv the text in, or keep such files out with --ignore-pattern`);
    expect(ctx.counts.get('FileSkippedCount')).toBe(4);
    expect(['day1.log.gz', 'day2.log.bz2', 'day3.log.zst', 'day4.xz'].every((n) => exists(dir, n))).toBe(true);

    const catchUp = spool(dir, {exitWhenEmpty: true});
    await catchUp.run(new RecordingContext());
    expect(catchUp.unreadableFiles().map((u) => [path.basename(u.file), u.reason])).toEqual([
      ['day1.log.gz', 'is gzip-compressed'],
      ['day2.log.bz2', 'is bzip2-compressed'],
      ['day3.log.zst', 'is zstd-compressed'],
      ['day4.xz', 'is xz-compressed'],
    ]);
  });

  it('does not take a file while it is still being written', async () => {
    const dir = tempDir('spool');
    const file = path.join(dir, 'growing.log');
    let written = 0;
    let writerDone = false;
    let deliveredWhileWriting = false;
    fs.writeFileSync(file, '');
    // Appends every 20 ms, much faster than the 500 ms the source wants to see the file unchanged.
    const writer = setInterval(() => {
      fs.appendFileSync(file, `line ${++written}\n`);
      if (written === 40) {
        clearInterval(writer);
        writerDone = true;
      }
    }, 20);
    const ctx = new RecordingContext({
      onDeliver: () => {
        if (!writerDone) deliveredWhileWriting = true;
      },
    });
    const running = spool(dir, {stableMs: 500}).run(ctx);
    await eventually(() => exists(dir, 'growing.log.COMPLETED'), 'file renamed');
    ctx.stop();
    await running;
    expect(deliveredWhileWriting).toBe(false);
    expect(ctx.bodies()).toEqual(Array.from({length: 40}, (_, i) => `line ${i + 1}`));
  });

  it('stops at the size it took when a file grows while being read, warns, and reads the rest later', async () => {
    const dir = tempDir('spool');
    const file = drop(dir, 'trip.log', 'l1\nl2\nl3\npart');
    let appended = false;
    const ctx = new RecordingContext({
      onDeliver: () => {
        // The writer was not done after all: it finishes the half line and adds one.
        if (!appended) fs.appendFileSync(file, 'ial\nl5\n');
        appended = true;
      },
    });
    const running = spool(dir, {batchMaxEvents: 2}).run(ctx);
    await eventually(() => exists(dir, 'trip.log.COMPLETED'), 'file renamed');
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(['l1', 'l2', 'l3', 'partial', 'l5']);
    expect(ctx.logs.some((l) => l.includes('changed while being read'))).toBe(true);
  });

  it.each(['never', 'immediate'] as const)('deletePolicy %s: a file that grows while its last lines are on their way is completed only with the new lines sent too, each once', async (deletePolicy) => {
    const dir = tempDir('spool');
    const file = drop(dir, 'late.log', 'l1\nl2\n');
    let appended = false;
    const ctx = new RecordingContext({
      onDeliver: () => {
        // The last batch was read and handed over; before Kafka acknowledges it the writer adds two lines.
        if (!appended) fs.appendFileSync(file, 'l3\nl4\n');
        appended = true;
      },
    });
    const running = spool(dir, {deletePolicy}).run(ctx);
    await eventually(() => (deletePolicy === 'never' ? exists(dir, 'late.log.COMPLETED') : !exists(dir, 'late.log')), 'file completed');
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(['l1', 'l2', 'l3', 'l4']);
    expect(ctx.logs.filter((l) => l.includes(`${file} changed while being read (grew from 6 to 12 bytes)`))).toHaveLength(1);
    expect(ctx.counts.get('FileChangedWhileReadCount')).toBe(1);
  });

  it('an unreadable file (an open that fails) is said once, passed over and left in place; it is read once it can be', async () => {
    const dir = tempDir('spool');
    drop(dir, 'fine.log', 'f1\n', 10);
    const locked = drop(dir, 'locked.log', 'x1\n', 20);
    // Root opens any file whatever its mode: the open of this one is refused as for a user without read permission.
    const realOpen = fs.promises.open;
    let refuse = true;
    fs.promises.open = ((file: fs.PathLike, ...rest: Parameters<typeof realOpen> extends [unknown, ...infer R] ? R : never) => {
      // Refused on the thread pool's time, as a real open is (not at once, in the same turn).
      if (refuse && String(file) === locked) return new Promise((_, reject) => setImmediate(() => reject(Object.assign(new Error(`EACCES: permission denied, open '${locked}'`), {code: 'EACCES'}))));
      return realOpen(file, ...rest);
    }) as typeof realOpen;
    try {
      const ctx = new RecordingContext();
      const running = spool(dir).run(ctx);
      await eventually(() => exists(dir, 'fine.log.COMPLETED'), 'the readable file completed past the older unreadable one');
      await new Promise((r) => setTimeout(r, 200)); // many looks, 10 ms apart
      expect(ctx.logs.filter((l) => l.includes(`${locked} cannot be read (permission denied)`))).toHaveLength(1);
      expect(ctx.counts.get('FileReadErrorCount')).toBe(1);
      expect(exists(dir, 'locked.log')).toBe(true);
      refuse = false;
      await eventually(() => exists(dir, 'locked.log.COMPLETED'), 'the file read once readable');
      ctx.stop();
      await running;
      expect(ctx.bodies()).toEqual(['f1', 'x1']);
    } finally {
      fs.promises.open = realOpen;
    }
  });

  it('delivers binary, invalid UTF-8 and over-long lines marked rejected, with their origin', async () => {
    const dir = tempDir('spool');
    const bad = Buffer.from([0x66, 0xff, 0xfe]);
    const binary = Buffer.from([0x00, 0x1b, 0x41]);
    drop(dir, 'mixed.log', Buffer.concat([Buffer.from('ok\n'), bad, Buffer.from('\n' + 'x'.repeat(100) + '\n'), binary, Buffer.from('\nfine\n')]));
    const ctx = new RecordingContext();
    const running = spool(dir, {maxLineBytes: 50}).run(ctx);
    await eventually(() => exists(dir, 'mixed.log.COMPLETED'), 'file renamed');
    ctx.stop();
    await running;
    expect(ctx.events.map((e) => e.rejected)).toEqual([undefined, 'invalid UTF-8', 'line of 100 bytes exceeds --max-line-bytes (50 bytes)', 'binary data', undefined]);
    expect(ctx.events[1].body).toEqual(bad);
    expect(ctx.events[2].body.toString()).toBe('x'.repeat(50));
    expect(ctx.events[2].origin).toMatchObject({file: path.join(dir, 'mixed.log'), offset: 7});
    expect(ctx.events[3].body).toEqual(binary);
    expect(ctx.events[4].body.toString()).toBe('fine');
  });

  it('never ingests a file twice: a restart skips renamed files, and a file the ledger marks done (crash before the rename) is only renamed', async () => {
    const dir = tempDir('spool');
    drop(dir, 'day1.log', 'd1\n');
    const first = new RecordingContext();
    let running = spool(dir).run(first);
    await eventually(() => exists(dir, 'day1.log.COMPLETED'), 'day1 renamed');
    first.stop();
    await running;

    // The state a crash leaves between "done" in the ledger and the rename.
    const file = drop(dir, 'day2.log', 'd2\n');
    const st = fs.statSync(file, {bigint: true});
    const ledger = {version: 1, files: {'day2.log': {dev: String(st.dev), ino: String(st.ino), size: 3, fingerprint: createHash('sha256').update('d2\n').digest('hex'), fingerprintBytes: 3, offset: 3, done: true}}};
    fs.writeFileSync(path.join(dir, '.kcollect-spool', 'ledger.json'), JSON.stringify(ledger));
    drop(dir, 'day3.log', 'd3\n', -5);

    const second = new RecordingContext();
    running = spool(dir).run(second);
    await eventually(() => exists(dir, 'day3.log.COMPLETED'), 'day3 renamed');
    second.stop();
    await running;
    expect(second.bodies()).toEqual(['d3']);
    expect(exists(dir, 'day2.log.COMPLETED') && !exists(dir, 'day2.log')).toBe(true);
    expect(ledgerFiles(dir)).toEqual([]);
  });

  it('ingests a re-used name as a new file and keeps both: the second goes to NAME.COMPLETED.1', async () => {
    const dir = tempDir('spool');
    drop(dir, 'status.txt', 'first\n');
    const ctx = new RecordingContext();
    const running = spool(dir).run(ctx);
    await eventually(() => exists(dir, 'status.txt.COMPLETED'), 'first renamed');
    drop(dir, 'status.txt', 'second\n');
    await eventually(() => exists(dir, 'status.txt.COMPLETED.1'), 'second renamed');
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(['first', 'second']);
    expect(fs.readFileSync(path.join(dir, 'status.txt.COMPLETED'), 'utf8')).toBe('first\n');
    expect(fs.readFileSync(path.join(dir, 'status.txt.COMPLETED.1'), 'utf8')).toBe('second\n');
    expect(ctx.logs.some((l) => l.includes('re-used'))).toBe(true);
  });

  it('resumes a partly ingested file at the recorded offset when stopped between batches', async () => {
    const dir = tempDir('spool');
    const lines = Array.from({length: 10}, (_, i) => `r${i}`);
    drop(dir, 'cars.log', lines.join('\n') + '\n');
    const first = new RecordingContext({onDeliver: (_e, c) => c.stop()});
    await spool(dir, {batchMaxEvents: 3}).run(first);
    expect(first.bodies()).toEqual(lines.slice(0, 3));
    expect(exists(dir, 'cars.log')).toBe(true);

    const second = new RecordingContext();
    const running = spool(dir, {batchMaxEvents: 3}).run(second);
    await eventually(() => exists(dir, 'cars.log.COMPLETED'), 'file renamed');
    second.stop();
    await running;
    expect(second.bodies()).toEqual(lines.slice(3));
  });

  it('a file renamed within the directory while it is read, or while the agent is stopped, is read on from where it was: every line once', async () => {
    const dir = tempDir('spool-renamed');
    const lines = Array.from({length: 10}, (_, i) => `r${i}`);
    drop(dir, 'cars.log', lines.join('\n') + '\n');
    // Renamed by hand as its first batch is delivered.
    const ctx = new RecordingContext({onDeliver: () => void (exists(dir, 'cars.log') && fs.renameSync(path.join(dir, 'cars.log'), path.join(dir, 'cars-day1.log')))});
    const running = spool(dir, {batchMaxEvents: 3}).run(ctx);
    await eventually(() => exists(dir, 'cars-day1.log.COMPLETED'), 'the renamed file ingested');
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(lines);
    expect(ctx.logs.join('\n')).toMatch(/cars\.log changed while being read \(it was renamed away or deleted\)/);

    drop(dir, 'trip.log', lines.join('\n') + '\n');
    const first = new RecordingContext({onDeliver: (_e, c) => c.stop()});
    await spool(dir, {batchMaxEvents: 3}).run(first);
    fs.renameSync(path.join(dir, 'trip.log'), path.join(dir, 'trip-day1.log'));
    const second = new RecordingContext();
    const again = spool(dir, {batchMaxEvents: 3}).run(second);
    await eventually(() => exists(dir, 'trip-day1.log.COMPLETED'), 'the file renamed while stopped ingested');
    second.stop();
    await again;
    expect([...first.bodies(), ...second.bodies()]).toEqual(lines);
    expect(ledgerFiles(dir)).toEqual([]);
  });

  it('a spool directory removed and created again (a clean-up, a redeploy) is waited for and read again, with its ledger and lock', async () => {
    const dir = path.join(tempDir('spool-gone'), 'spool');
    fs.mkdirSync(dir);
    drop(dir, 'a.log', 'a1\n');
    const ctx = new RecordingContext();
    const running = spool(dir).run(ctx);
    await eventually(() => exists(dir, 'a.log.COMPLETED'), 'a.log ingested');
    fs.rmSync(dir, {recursive: true});
    await eventually(() => ctx.logs.some((l) => l.includes(`spool directory ${dir} is gone: waiting for it to be created again`)), 'the removal noticed');
    fs.mkdirSync(dir);
    drop(dir, 'b.log', 'b1\n');
    await eventually(() => exists(dir, 'b.log.COMPLETED'), 'b.log ingested from the new directory');
    expect(ledgerFiles(dir)).toEqual([]);
    expect(exists(dir, '.kcollect-spool/lock')).toBe(true);
    // Removed and created again between two looks, maybe: the same.
    fs.rmSync(dir, {recursive: true});
    fs.mkdirSync(dir);
    drop(dir, 'c.log', 'c1\n');
    await eventually(() => exists(dir, 'c.log.COMPLETED'), 'c.log ingested');
    expect(exists(dir, '.kcollect-spool/lock')).toBe(true);
    ctx.stop();
    await running;
    expect(ctx.bodies()).toEqual(['a1', 'b1', 'c1']);
    expect(ctx.logs.filter((l) => l.includes('cannot write the spool ledger'))).toEqual([]);
    expect(exists(dir, '.kcollect-spool/lock')).toBe(false);
  });

  it('refuses a second reader of the same directory, a missing directory and a zero batch size', async () => {
    const dir = tempDir('spool');
    const ctx = new RecordingContext();
    const running = spool(dir).run(ctx);
    await eventually(() => exists(dir, '.kcollect-spool/lock'), 'lock taken');
    await expect(spool(dir).run(new RecordingContext())).rejects.toThrow(/already being read/);
    ctx.stop();
    await running;
    expect(exists(dir, '.kcollect-spool/lock')).toBe(false);
    await expect(spool(path.join(dir, 'nope')).run(new RecordingContext())).rejects.toThrow(UserError);
    expect(() => spool(dir, {batchMaxEvents: 0})).toThrow(/batchMaxEvents/);
  });

  it('ingests the 100-car daily status file entirely: every line once, in order per car', {timeout: 180_000}, async () => {
    const dir = tempDir('spool');
    const status = await writeStatusFile({cars: 100, date: '20160101', outDir: dir, seed: 7});
    let events = 0;
    let records = 0;
    let bytes = 0;
    let rejected = 0;
    const lastTime = new Map<string, string>();
    let outOfOrder = 0;
    const ctx = new RecordingContext({
      keep: false,
      onDeliver: (batch) => {
        for (const e of batch) {
          events++;
          bytes += e.body.length + 1;
          if (e.rejected) rejected++;
          const line = e.body.toString('latin1');
          if (!RECORD_LINE.test(line)) continue;
          records++;
          const [time, car] = line.split(',', 2);
          if ((lastTime.get(car) ?? '') >= time) outOfOrder++;
          lastTime.set(car, time);
        }
      },
    });
    const running = spool(dir, {batchMaxEvents: 10_000, batchMaxBytes: 4 * 1024 * 1024}).run(ctx);
    await eventually(() => exists(dir, path.basename(status.file) + '.COMPLETED'), 'status file renamed', 150_000);
    ctx.stop();
    await running;
    expect(records).toBe(status.lines);
    expect(records).toBe(100 * 21_601);
    expect(events).toBe(status.lines + status.headers);
    expect(bytes).toBe(status.bytes);
    expect(rejected).toBe(0);
    expect(lastTime.size).toBe(100);
    expect(outOfOrder).toBe(0);
  });
});
