import net from 'node:net';

/**
 * A TCP proxy in front of a broker that swallows the response to the first request of a given
 * API key, as a network that loses a reply would. Clients must retry; the broker must dedupe.
 */
export async function droppingProxy(target: () => {host: string; port: number}, dropApiKey: number): Promise<{port: number; dropped: () => number; close: () => void}> {
  let dropped = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const {host, port} = target();
    const upstream = net.connect({host, port});
    sockets.add(client).add(upstream);
    const doomed = new Set<number>();
    let fromClient = Buffer.alloc(0);
    let fromBroker = Buffer.alloc(0);
    client.on('data', (d) => {
      fromClient = Buffer.concat([fromClient, d]);
      while (fromClient.length >= 4 && fromClient.length >= 4 + fromClient.readInt32BE(0)) {
        const size = fromClient.readInt32BE(0);
        if (fromClient.readInt16BE(4) === dropApiKey && dropped + doomed.size === 0) doomed.add(fromClient.readInt32BE(8));
        upstream.write(fromClient.subarray(0, 4 + size));
        fromClient = fromClient.subarray(4 + size);
      }
    });
    upstream.on('data', (d) => {
      fromBroker = Buffer.concat([fromBroker, d]);
      while (fromBroker.length >= 4 && fromBroker.length >= 4 + fromBroker.readInt32BE(0)) {
        const size = fromBroker.readInt32BE(0);
        const correlationId = fromBroker.readInt32BE(4);
        if (doomed.delete(correlationId)) dropped++;
        else client.write(fromBroker.subarray(0, 4 + size));
        fromBroker = fromBroker.subarray(4 + size);
      }
    });
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
    dropped: () => dropped,
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
