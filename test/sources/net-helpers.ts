import net from 'node:net';
import type {Source, SourceContext} from '../../src/pipeline/source.js';
import type {BoundAddress} from '../../src/sources/net/listen.js';
import {afterEach} from 'vitest';
import {RecordingContext, eventually} from './spooldir-context.js';

/** A maker of recording contexts that are all stopped after each test (so the sources end). */
export function stoppedAfterEach(): (options?: ConstructorParameters<typeof RecordingContext>[0]) => RecordingContext {
  const contexts: RecordingContext[] = [];
  afterEach(() => {
    for (const ctx of contexts.splice(0)) ctx.stop();
  });
  return (options = {}) => {
    const ctx = new RecordingContext(options);
    contexts.push(ctx);
    return ctx;
  };
}

/** Starts a network source on a free port; `stopped` settles when run() returned. */
export async function start(source: Source & {listening: Promise<BoundAddress>}, ctx: SourceContext): Promise<{port: number; stopped: Promise<void>}> {
  const stopped = source.run(ctx);
  stopped.catch(() => undefined);
  const {port} = await source.listening;
  return {port, stopped};
}

/** A TCP client that keeps everything the server answered. */
export interface Client {
  socket: net.Socket;
  /** What the server sent so far. */
  readonly received: string;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
  waitFor(check: (received: string) => boolean, what: string): Promise<void>;
  write(data: string | Buffer): Promise<void>;
}

export async function connect(port: number, onData?: (chunk: string) => void): Promise<Client> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
    onData?.(chunk.toString());
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return {
    socket,
    get received() {
      return received;
    },
    closed,
    waitFor: (check, what) => eventually(() => check(received), what),
    write: (data) => new Promise((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve()))),
  };
}

/** A gate a test opens by hand: deliver() waits on it to show what happens before events are safe. */
export function gate(): {wait: Promise<void>; open: () => void} {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return {wait, open};
}
