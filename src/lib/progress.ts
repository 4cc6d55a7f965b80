/**
 * A progress line for long-running commands: on a terminal one line rewritten in place (at most
 * a few times a second); otherwise, in logs and pipes, a plain line every `everyMs`.
 */
export interface ProgressLine {
  /** The current state; shown now on a TTY, or when the next interval is due otherwise. */
  update(text: string): void;
  /** A line to keep (a state change, an error): printed at once, above the live line. */
  note(text: string): void;
  /** Leaves the last state on screen and moves below it. */
  end(): void;
}

export function progressLine(stream: NodeJS.WriteStream, {everyMs = 5000, prefix = 'kcollect: '} = {}): ProgressLine {
  const tty = stream.isTTY === true;
  let shown = ''; // what the TTY line holds now
  let lastAt = 0;
  const minGapMs = tty ? 200 : everyMs;
  const clear = () => {
    if (tty && shown) stream.write('\r\x1b[2K');
  };
  return {
    update(text) {
      const now = Date.now();
      if (now - lastAt < minGapMs) return;
      lastAt = now;
      if (tty) {
        clear();
        stream.write(prefix + text);
        shown = text;
      } else stream.write(`${prefix}${text}\n`);
    },
    note(text) {
      clear();
      stream.write(`${prefix}${text}\n`);
      if (tty && shown) stream.write(prefix + shown);
    },
    end() {
      if (tty && shown) stream.write('\n');
      shown = '';
    },
  };
}

/**
 * 1234567 -> "1,234,567": every number in human output carries thousands separators. Integers
 * are grouped here: toLocaleString's first call loads ICU's locale data (~10 ms of a short run).
 */
export const thousands = (n: number): string => (Number.isSafeInteger(n) ? String(n).replace(/\B(?=(\d{3})+$)/g, ',') : n.toLocaleString('en-US'));

/** Seconds as m:ss or h:mm:ss, for an ETA. */
export function clock(seconds: number): string {
  const s = Math.round(seconds);
  const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  return hms[0] > 0 ? `${hms[0]}:${String(hms[1]).padStart(2, '0')}:${String(hms[2]).padStart(2, '0')}` : `${hms[1]}:${String(hms[2]).padStart(2, '0')}`;
}

/** Items per second between two readings of a running count. */
export function rateMeter(): (count: number) => number {
  let last: {count: number; at: number} | undefined;
  let rate = 0;
  return (count) => {
    const at = Date.now();
    if (last && at > last.at) rate = ((count - last.count) * 1000) / (at - last.at);
    last = {count, at};
    return rate;
  };
}
