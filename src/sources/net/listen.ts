import net from 'node:net';
import {listenFailure} from '../../lib/errors.js';
import type {SourceContext} from '../../pipeline/source.js';

export interface BoundAddress {
  host: string;
  port: number;
}

/** Every network source listens on 127.0.0.1 unless told otherwise: other hosts need `bind`. */
export const DEFAULT_BIND = '127.0.0.1';
/** How long a peer has to close its side after we ended ours before it is cut off. */
export const HANG_UP_GRACE_MS = 5000;

/** Where a source listens, known once run() bound its socket (tests bind port 0). */
export class ListenAddress {
  readonly promise: Promise<BoundAddress>;
  private settle!: {resolve: (a: BoundAddress) => void; reject: (err: Error) => void};

  constructor() {
    this.promise = new Promise((resolve, reject) => (this.settle = {resolve, reject}));
    this.promise.catch(() => undefined); // run() reports the failure too
  }

  bound(address: BoundAddress, ctx: SourceContext, what: string): void {
    ctx.log(`listening on ${address.host}:${address.port} (${what})`);
    this.settle.resolve(address);
  }

  /** The error run() throws: names the address and why (the user's to fix: a port, an address). */
  failed(bind: string, port: number, err: unknown): Error {
    const failure = listenFailure(bind, port, err);
    this.settle.reject(failure);
    return failure;
  }
}

/** A peer's address as a user reads it (no IPv4-mapped IPv6 prefix). */
export function peerHost(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), {once: true}));
}
