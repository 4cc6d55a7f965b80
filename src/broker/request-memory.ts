/**
 * queued.max.request.bytes: one budget, shared by every connection, for the bytes of requests
 * being received or waiting to be answered. A connection reserves a frame's size as soon as it
 * reads the length prefix and gives it back once the request was answered; a connection that
 * cannot reserve stops reading (TCP pushes back on its client) until another one gives back.
 * One request larger than the whole budget still goes through when nothing else holds any, so a
 * budget below socket.request.max.bytes slows big requests down but never wedges them.
 */
export class RequestMemory {
  private reserved = 0;
  private waiting: Array<{bytes: number; grant: () => void}> = [];

  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.reserved;
  }

  /** Reserves now and returns true, or queues `grant` to be called once the bytes are reserved. */
  reserve(bytes: number, grant: () => void): boolean {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.reserved += bytes;
      return true;
    }
    this.waiting.push({bytes, grant});
    return false;
  }

  release(bytes: number): void {
    this.reserved -= bytes;
    // First come, first served: a big request at the head is not starved by small ones behind it.
    while (this.waiting.length > 0 && this.fits(this.waiting[0].bytes)) {
      const next = this.waiting.shift()!;
      this.reserved += next.bytes;
      next.grant();
    }
  }

  /** Forgets a queued reservation of a connection that closed while waiting. */
  cancel(grant: () => void): void {
    this.waiting = this.waiting.filter((w) => w.grant !== grant);
    this.release(0);
  }

  private fits(bytes: number): boolean {
    return this.reserved === 0 || this.reserved + bytes <= this.capacity;
  }
}
