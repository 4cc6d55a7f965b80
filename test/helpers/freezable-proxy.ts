import net from 'node:net';

/**
 * A TCP proxy that can go silent: while frozen it forwards nothing in either direction but keeps
 * every connection open, as a hung server or a dead network path looks to a client. While its
 * replies are held, what the server sends waits, in order, until released (requests still go
 * through: the server acts on them, the client does not hear of it).
 */
export async function freezableProxy(target: {host: string; port: number}): Promise<{port: number; freeze(): void; thaw(): void; holdReplies(): void; releaseReplies(): void; close(): void}> {
  let frozen = false;
  let held: Array<() => void> | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    client.on('data', (d) => frozen || upstream.write(d));
    upstream.on('data', (d) => frozen || (held ? held.push(() => client.write(d)) : client.write(d)));
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
    holdReplies: () => (held ??= []),
    releaseReplies: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const send of waiting) send();
    },
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
