import fs from 'node:fs';
import net from 'node:net';

/** Whether host:port can be bound right now. */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({port, host, exclusive: true}, () => s.close(() => resolve(true)));
  });
}

// Where free ports are picked: below the kernel's ephemeral range, so that no outgoing
// connection can take a picked port before its listener binds it (a port the kernel hands
// out for port 0 comes from that range, and any connection may get it next).
const PICK_FROM = 10_000;
const PICK_TO = 20_000;

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return [low, high];
  } catch {
    return [32_768, 60_999];
  }
}

function kernelPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({port: 0, host, exclusive: true}, () => {
      const {port} = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A port that is free on host now and that no outgoing connection will be given meanwhile. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [low, high] = ephemeralRange();
  if (high >= PICK_FROM && low < PICK_TO) return kernelPort(host);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = PICK_FROM + Math.floor(Math.random() * (PICK_TO - PICK_FROM));
    if (await portFree(host, port)) return port;
  }
  return kernelPort(host);
}
