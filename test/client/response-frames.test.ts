import net from 'node:net';
import {describe, expect, it} from 'vitest';
import {ResponseFrames} from '../../src/client/response-frames.js';

/** Frames of every kind of size: tiny, just under and over the direct-read size, several MB. */
const SIZES = [0, 1, 9, 4000, 65_535, 65_536, 200_000, 1_000_000, 3_500_001, 17];

function framesOf(sizes: number[]): {wire: Buffer; bodies: Buffer[]} {
  const bodies = sizes.map((n, i) => {
    const b = Buffer.allocUnsafe(n);
    for (let k = 0; k < n; k++) b[k] = (k * 31 + i * 7) & 0xff;
    return b;
  });
  const wire = Buffer.concat(
    bodies.flatMap((b) => {
      const size = Buffer.alloc(4);
      size.writeInt32BE(b.length);
      return [size, b];
    }),
  );
  return {wire, bodies};
}

describe('ResponseFrames', () => {
  it('splits chunks cut at any point into the frames that were sent (the TLS path)', () => {
    // Byte-sized cuts on small frames only: each push joins what is buffered so far.
    const small = SIZES.filter((n) => n < 10_000);
    for (const [sizes, cuts] of [[small, [1, 3, 4, 5]], [SIZES, [1000, 65_536, 1 << 20]]] as const) {
      const {wire, bodies} = framesOf([...sizes]);
      for (const cut of cuts) {
        const got: Buffer[] = [];
        const frames = new ResponseFrames((f) => got.push(Buffer.from(f)));
        for (let at = 0; at < wire.length; at += cut) frames.push(wire.subarray(at, at + cut));
        expect(got.map((b) => b.length)).toEqual(sizes);
        got.forEach((b, i) => expect(b.equals(bodies[i])).toBe(true));
      }
    }
  });

  it('reads frames over plain TCP with onread, large ones straight into their own buffer, byte-exact', async () => {
    const {wire, bodies} = framesOf(SIZES);
    const got: Buffer[] = [];
    await readOverTcp(wire, new ResponseFrames((f) => got.push(f)));
    expect(got.map((b) => b.length)).toEqual(SIZES);
    got.forEach((b, i) => expect(b.equals(bodies[i])).toBe(true));
  });

  it('with reuseFrames, reads every large frame into one buffer, grown when needed, each byte-exact while it is handled', async () => {
    const sizes = [200_000, 1_000_000, 17, 1_000_000, 900_000, 65_536, 4000];
    const {wire, bodies} = framesOf(sizes);
    const got: Buffer[] = [];
    const memory = new Set<ArrayBufferLike>();
    // A caller that is done with each frame when onFrame returns (a replica fetcher's contract).
    const frames = new ResponseFrames((f) => {
      got.push(Buffer.from(f));
      // Frames over one 64 KiB read are always read directly.
      if (f.length >= 65_536) memory.add(f.buffer);
    }, true);
    await readOverTcp(wire, frames);
    expect(got.map((b) => b.length)).toEqual(sizes);
    got.forEach((b, i) => expect(b.equals(bodies[i])).toBe(true));
    // The 200 kB frame's buffer, then the 1 MB one that every later large frame is read into.
    expect(memory.size).toBe(2);
  });
});

/** Serves `wire` over loopback TCP in uneven pieces (reads end mid-prefix and mid-frame) to a socket reading with `frames`. */
async function readOverTcp(wire: Buffer, frames: ResponseFrames): Promise<void> {
  const server = net.createServer((s) => {
    for (let at = 0, n = 1; at < wire.length; at += n, n = 1 + ((n * 7 + 13) % 300_000)) s.write(wire.subarray(at, at + n));
    s.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as net.AddressInfo;
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect({host: '127.0.0.1', port, onread: frames.onread()});
      socket.on('end', resolve);
      socket.on('error', reject);
    });
  } finally {
    server.close();
  }
}
