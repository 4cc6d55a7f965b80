/**
 * Global setup: while the suite runs, a sentinel listens on every default port that is free
 * (Kafka 9092-9094, ZooKeeper 2181, HBase REST 8080, Schema Registry 8081) and the run fails if
 * anything connected to it. A test that used a default port would break on a machine where the
 * user's own broker runs there; this makes it fail everywhere instead.
 */
import net from 'node:net';

const DEFAULT_PORTS = [9092, 9093, 9094, 2181, 8080, 8081];

export default async function guardDefaultPorts(): Promise<() => Promise<void>> {
  const touched = new Set<number>();
  const servers = await Promise.all(
    DEFAULT_PORTS.map(
      (port) =>
        new Promise<net.Server | undefined>((resolve) => {
          const server = net.createServer((socket) => {
            touched.add(port);
            socket.destroy();
          });
          server.once('error', () => resolve(undefined)); // taken by the user's own service: leave it alone
          server.listen(port, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  return async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => (s ? s.close(resolve) : resolve(undefined)))));
    if (touched.size === 0) return;
    process.exitCode = 1; // vitest reports an error thrown here but would still exit 0
    throw new Error(`a test connected to the default port(s) ${[...touched].join(', ')}: tests must pick free ports`);
  };
}
