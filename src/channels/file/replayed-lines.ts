import {crc32c} from '@node-rs/crc32';
import type {Event} from '../../pipeline/event.js';
import {placeInFile} from '../../pipeline/origin.js';

/** One file's lines the log gave back: offset -> CRC-32C of the body, and the highest offset. */
interface FileLines {
  lines: Map<number, number>;
  last: number;
}

/**
 * The lines of files a reopened file channel gave back (put and never committed), to recognise
 * them when their source reads them again. A file source saves its position only after the
 * channel took a batch in, so a kill between the two leaves the position behind the log; on
 * restart the source reads those lines again and would put them a second time next to their
 * replayed copies. A line is recognised by its origin (host, inode, byte offset) and content, as
 * the Kafka sink recognises lines already in Kafka (redelivery-filter.ts), which covers the lines
 * the log took and had committed. A file read past the last line held of it is forgotten.
 */
export class ReplayedLines {
  private readonly files = new Map<string, FileLines>();

  add(event: Event): void {
    const place = placeInFile(event);
    if (!place) return;
    let file = this.files.get(place.file);
    if (!file) this.files.set(place.file, (file = {lines: new Map(), last: -1}));
    // Of two lines at one offset (an inode reused), the later one is what a source reads now.
    file.lines.set(place.offset, crc32c(event.body));
    file.last = Math.max(file.last, place.offset);
  }

  get empty(): boolean {
    return this.files.size === 0;
  }

  /** True when the channel gave `event` back already (each line is recognised once). */
  holds(event: Event): boolean {
    const place = placeInFile(event);
    const file = place && this.files.get(place.file);
    if (!file) return false;
    const crc = place.offset > file.last ? undefined : file.lines.get(place.offset);
    const held = crc !== undefined && crc === crc32c(event.body);
    if (held) file.lines.delete(place.offset);
    // The source is past what the log held of this file: its later lines are new.
    if (place.offset > file.last || (held && place.offset === file.last)) this.files.delete(place.file);
    return held;
  }
}
