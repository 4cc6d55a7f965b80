/**
 * Shares `total` table rows among panels that want `wants[i]` rows each: every panel gets at
 * least one, the focused one is served first, the rest in turn one row at a time, so the
 * dashboard fits the terminal (Ink redraws the whole screen once output reaches its height).
 */
export function shareRows(wants: number[], total: number, focus: number): number[] {
  const got = wants.map(() => 1);
  let left = total - got.length;
  const want = wants.map((w) => Math.max(1, w));
  if (left > 0) {
    const extra = Math.min(left, want[focus]! - 1, Math.ceil(total / 2));
    got[focus]! += Math.max(0, extra);
    left -= Math.max(0, extra);
  }
  while (left > 0) {
    let gave = false;
    for (let i = 0; i < got.length && left > 0; i++) {
      if (got[i]! < want[i]!) {
        got[i]!++;
        left--;
        gave = true;
      }
    }
    if (!gave) break;
  }
  return got;
}

/** The first row to show: the selection kept in the middle of a window of `height` rows. */
export function scrollStart(selected: number, count: number, height: number): number {
  return Math.max(0, Math.min(selected - Math.floor(height / 2), count - height));
}
