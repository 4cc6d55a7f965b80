import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {performance} from 'node:perf_hooks';

const MiB = 1 << 20;

/**
 * Sequential write of `totalMiB` MiB to a fresh file with fs.writeSync in 1 MiB chunks (what the
 * page cache absorbs), then one fdatasync (what the disk takes). The file is removed, and the same
 * is written again at once into the page-cache pages the kernel just freed (`rewriteSeconds`):
 * on a VM whose memory the host backs only when first touched, and takes back when the guest
 * frees it (free page reporting), the first write pays a host page fault per page, the second not.
 */
export function diskWrite(dir: string, totalMiB = 500): {bytes: number; writeSeconds: number; syncSeconds: number; rewriteSeconds: number} {
  const chunk = randomBytes(MiB);
  const first = writeFile(dir, chunk, totalMiB, true);
  const again = writeFile(dir, chunk, totalMiB, false);
  return {bytes: totalMiB * MiB, writeSeconds: first.writeSeconds, syncSeconds: first.syncSeconds, rewriteSeconds: again.writeSeconds};
}

function writeFile(dir: string, chunk: Buffer, totalMiB: number, sync: boolean): {writeSeconds: number; syncSeconds: number} {
  const file = path.join(dir, `disk-write-${process.pid}-${Date.now()}.bin`);
  const fd = fs.openSync(file, 'w');
  try {
    const t0 = performance.now();
    for (let i = 0; i < totalMiB; i++) fs.writeSync(fd, chunk);
    const t1 = performance.now();
    if (sync) fs.fdatasyncSync(fd);
    const t2 = performance.now();
    return {writeSeconds: (t1 - t0) / 1000, syncSeconds: (t2 - t0) / 1000};
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, {force: true});
  }
}

/** Loopback TCP: a net server and client in this process, `totalMiB` MiB in 1 MiB writes. */
export async function loopbackTcp(totalMiB = 1024): Promise<{bytes: number; seconds: number}> {
  const total = totalMiB * MiB;
  const chunk = randomBytes(MiB);
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const port = (server.address() as net.AddressInfo).port;
    let serverSide: net.Socket | undefined;
    const received = new Promise<number>((resolve, reject) => {
      server.once('connection', (sock) => {
        serverSide = sock;
        let got = 0;
        sock.on('data', (c: Buffer) => {
          got += c.length;
          if (got >= total) resolve(performance.now());
        });
        sock.on('error', reject);
      });
    });
    const client = net.connect({host: '127.0.0.1', port});
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    });
    const t0 = performance.now();
    for (let sent = 0; sent < total; sent += MiB) {
      if (!client.write(chunk)) await new Promise<void>((r) => client.once('drain', r));
    }
    const t1 = await received;
    client.destroy();
    serverSide?.destroy();
    return {bytes: total, seconds: (t1 - t0) / 1000};
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}
