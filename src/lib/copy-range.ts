/** Ranges up to this many bytes are copied byte by byte. */
const SHORT = 64;

/**
 * Copies `source[start..end)` into `target` at `at`; returns how many bytes. Buffer#copy of a
 * range makes a view of it first, which costs more than the copy for a log line or a record value.
 */
export function copyRange(source: Buffer, start: number, end: number, target: Buffer, at: number): number {
  if (end - start > SHORT) return source.copy(target, at, start, end);
  for (let i = start; i < end; i++) target[at++] = source[i];
  return end - start;
}
