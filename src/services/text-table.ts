/**
 * rpk-style plain tables: upper-case headers, columns left-aligned and separated by two spaces,
 * no borders, so the output stays greppable and pasteable.
 */
export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** An rpk section: a title underlined with "=", then the body. */
export function section(title: string, body: string): string {
  return `${title}\n${'='.repeat(title.length)}\n${body}`;
}

/** Two-column key/value block (rpk's SUMMARY). */
export function keyValues(pairs: Array<[string, string | number]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
