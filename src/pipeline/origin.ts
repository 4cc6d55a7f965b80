import {HOST, LineEvent, filePrefix, type Event} from './event.js';

/** Record header naming where a collected line came from: `host:inode:byteOffset` (or the origin's own id). */
export const ORIGIN_HEADER = 'kcollect.origin';

/** The host is the one that read the file (set when the event was forwarded), else this one. */
export function originHeader(event: Event): string | undefined {
  // A line nobody gave another origin: no origin object made for it.
  if (event instanceof LineEvent && event.plainOrigin) return event.from.idPrefix + event.offset;
  if (event.origin?.id !== undefined) return event.origin.id;
  const place = placeInFile(event);
  return place && place.file + place.offset;
}

/**
 * Where a line of a file was read, as its origin header spells it: `host:inode:` and the byte
 * offset. Undefined for an event that did not come from a file or carries an id of its own.
 */
export function placeInFile(event: Event): {file: string; offset: number} | undefined {
  if (event instanceof LineEvent && event.plainOrigin) return {file: event.from.idPrefix, offset: event.offset};
  const {origin} = event;
  if (origin?.id !== undefined || origin?.inode === undefined || origin.offset === undefined) return undefined;
  return {file: filePrefix(origin.host ?? HOST, origin.inode, origin.generation), offset: origin.offset};
}
