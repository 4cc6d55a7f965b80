/**
 * rpk-style plain tables: upper-case headers, columns left-aligned and separated by two spaces,
 * no borders, so the output stays greppable and pasteable.
 */
export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  // Loops, not Math.max(...cells) or [headers, ...rows]: a scan prints one row per cell, and
  // spreading ~130k values into a call overflows the stack.
  const cells: string[][] = [headers];
  for (const r of rows) cells.push(r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const widths = headers.map(() => 0);
  for (const r of cells) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], (r[i] ?? '').length);
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** An rpk section: a title underlined with "=", then the body. */
export function section(title: string, body: string): string {
  return `${title}\n${'='.repeat(title.length)}\n${body}`;
}

/** Two-column key/value block (rpk's SUMMARY). */
export function keyValues(pairs: Array<[string, string | number]>): string {
  const width = pairs.reduce((w, [k]) => Math.max(w, k.length), 0);
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
