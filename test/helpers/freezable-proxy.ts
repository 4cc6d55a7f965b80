import net from 'node:net';

/**
 * A TCP proxy that can go silent: while frozen it forwards nothing in either direction but keeps
 * every connection open, as a hung server or a dead network path looks to a client. While its
 * replies are held, what the server sends waits, in order, until released (requests still go
 * through: the server acts on them, the client does not hear of it). Stranded connections go
 * silent for good, their server's close not passed on either (the path to a frozen process that
 * was replaced), while new connections are forwarded as usual.
 */
export async function freezableProxy(target: {host: string; port: number}): Promise<{port: number; freeze(): void; thaw(): void; strand(): void; holdReplies(): void; releaseReplies(): void; close(): void}> {
  let frozen = false;
  let held: Array<() => void> | undefined;
  const sockets = new Set<net.Socket>();
  const links = new Set<{stranded: boolean}>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    const link = {stranded: false};
    links.add(link);
    sockets.add(client).add(upstream);
    const silent = () => frozen || link.stranded;
    client.on('data', (d) => silent() || upstream.write(d));
    upstream.on('data', (d) => silent() || (held ? held.push(() => client.write(d)) : client.write(d)));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', () => link.stranded || end()).on('error', () => link.stranded || end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => (frozen = true),
    thaw: () => (frozen = false),
    strand: () => {
      for (const link of links) link.stranded = true;
    },
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
