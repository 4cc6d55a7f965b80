/**
 * At most `burst` lines per window; the rest are counted and told in one line when the next
 * window opens, so a password-guessing client cannot flood the log.
 */
export class RateLimitedLog {
  private windowStart = 0;
  private written = 0;
  private suppressed = 0;

  constructor(
    private readonly log: (line: string) => void,
    private readonly burst = 10,
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  write(line: string): void {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      if (this.suppressed > 0) this.log(`(${this.suppressed} more authentication failures not logged in the last ${this.windowMs / 1000}s)`);
      this.windowStart = t;
      this.written = 0;
      this.suppressed = 0;
    }
    if (this.written < this.burst) {
      this.written++;
      this.log(line);
    } else this.suppressed++;
  }
}
