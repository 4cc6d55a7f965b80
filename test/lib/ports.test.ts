import fs from 'node:fs';
import net from 'node:net';
import {describe, expect, it} from 'vitest';
import {freePort, portFree} from '../../src/lib/ports.js';

const [low, high] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);

describe('freePort', () => {
  // Where the kernel's range covers 10000-19999 too there is no such port (freePort then takes the kernel's).
  it.skipIf(low < 20_000 && high >= 10_000)('picks a bindable port outside the range outgoing connections are given', async () => {
    const ports = await Promise.all(Array.from({length: 20}, () => freePort()));
    for (const port of ports) {
      expect(port < low || port > high, `${port} is in the ephemeral range ${low}-${high}`).toBe(true);
      expect([9092, 9093, 9094, 2181, 8080, 8081]).not.toContain(port);
    }
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(ports[0], '127.0.0.1', resolve));
    try {
      expect(await portFree('127.0.0.1', ports[0])).toBe(false);
    } finally {
      server.close();
    }
  });
});
