import net from 'node:net';

/**
 * A TCP proxy that can go silent: while frozen it forwards nothing in either direction but keeps
 * every connection open, as a hung server or a dead network path looks to a client.
 */
export async function freezableProxy(target: {host: string; port: number}): Promise<{port: number; freeze(): void; thaw(): void; close(): void}> {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    client.on('data', (d) => frozen || upstream.write(d));
    upstream.on('data', (d) => frozen || client.write(d));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => (frozen = true),
    thaw: () => (frozen = false),
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
