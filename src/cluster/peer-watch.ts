import net from 'node:net';
import type {BrokerEndpoint} from '../broker/cluster-link.js';
import {loopbackSourceFor} from '../lib/address.js';
import {errorMessage} from '../lib/errors.js';
import type {ZkClient} from '../zk/client.js';
import {isZkError} from '../zk/errors.js';
import {parseBrokerRegistration, ZkPaths} from './zk-layout.js';

/** How long a probe may take to connect: a dropped (firewalled) SYN is not proof of death. */
const PROBE_TIMEOUT_MS = 1000;
/** The probe is repeated once after this pause, so a listener being rebound is not taken for a death. */
const PROBE_AGAIN_MS = 50;
const RETRY_MS = 1000;

export interface PeerWatchHost {
  readonly nodeId: number;
  /** The address this broker listens on: loopback connections leave from it. */
  readonly localHost: string;
  zk(): ZkClient;
  /** The brokers registered in ZooKeeper, as this broker's view last read them. */
  liveBrokers(): BrokerEndpoint[];
  log(line: string): void;
}

/**
 * Fast crash detection. Every broker holds an idle TCP connection to each other registered
 * broker. A process that dies has its sockets closed by the kernel at once, long before its
 * ZooKeeper session times out; when the connection closes, the death is confirmed twice before
 * anything happens: nothing listens on that broker's port any more (connection refused, twice),
 * and ZooKeeper still holds that broker's registration at that very address. Then the
 * registration (and /controller, when the dead broker held it) is removed, which every broker
 * sees at once through its watches: the controller elects new leaders from the ISRs.
 * A broker that is only cut off (packets dropped) never refuses a connection, so it is left to
 * the session timeout; a live broker whose registration is removed anyway registers again.
 */
export class PeerWatch {
  private readonly channels = new Map<number, {endpoint: BrokerEndpoint; socket?: net.Socket; timer?: NodeJS.Timeout}>();
  private stopped = false;

  constructor(private readonly host: PeerWatchHost) {}

  /** Opens channels to brokers that appeared and closes those of brokers that left. */
  sync(): void {
    if (this.stopped) return;
    const live = new Map(this.host.liveBrokers().filter((b) => b.nodeId !== this.host.nodeId).map((b) => [b.nodeId, b]));
    for (const [id, ch] of this.channels) {
      const b = live.get(id);
      if (!b || b.host !== ch.endpoint.host || b.port !== ch.endpoint.port) this.drop(id);
    }
    for (const [id, b] of live) if (!this.channels.has(id)) this.open(b);
  }

  stop(): void {
    this.stopped = true;
    for (const id of [...this.channels.keys()]) this.drop(id);
  }

  private drop(id: number): void {
    const ch = this.channels.get(id);
    if (!ch) return;
    this.channels.delete(id);
    clearTimeout(ch.timer);
    ch.socket?.destroy();
  }

  private current(endpoint: BrokerEndpoint): boolean {
    return !this.stopped && this.channels.get(endpoint.nodeId)?.endpoint === endpoint;
  }

  private open(endpoint: BrokerEndpoint): void {
    const ch: {endpoint: BrokerEndpoint; socket?: net.Socket; timer?: NodeJS.Timeout} = {endpoint};
    this.channels.set(endpoint.nodeId, ch);
    this.connect(endpoint);
  }

  private connect(endpoint: BrokerEndpoint): void {
    const ch = this.channels.get(endpoint.nodeId);
    if (!ch || !this.current(endpoint)) return;
    const socket = net.connect({host: endpoint.host, port: endpoint.port, localAddress: loopbackSourceFor(this.host.localHost, endpoint.host)});
    ch.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', () => {}); // the peer never writes on this channel; drain anyway
    socket.on('error', () => {});
    socket.once('close', () => {
      if (ch.socket === socket && this.current(endpoint)) void this.suspect(endpoint);
    });
  }

  private later(endpoint: BrokerEndpoint): void {
    const ch = this.channels.get(endpoint.nodeId);
    if (!ch || !this.current(endpoint)) return;
    ch.timer = setTimeout(() => this.connect(endpoint), RETRY_MS);
    ch.timer.unref();
  }

  /** The channel closed (or never opened): confirm the death, or reconnect. */
  private async suspect(endpoint: BrokerEndpoint): Promise<void> {
    try {
      const from = loopbackSourceFor(this.host.localHost, endpoint.host);
      const dead = (await refused(endpoint, from)) && (await new Promise((r) => setTimeout(r, PROBE_AGAIN_MS)), await refused(endpoint, from));
      if (!this.current(endpoint)) return;
      if (!dead || !(await this.removeRegistration(endpoint))) this.later(endpoint);
    } catch (err) {
      if (!this.current(endpoint)) return;
      this.host.log(`checking broker ${endpoint.nodeId}: ${errorMessage(err)}`);
      this.later(endpoint);
    }
  }

  /** Removes the registration of a broker found dead, if ZooKeeper still has it at the probed address. */
  private async removeRegistration(endpoint: BrokerEndpoint): Promise<boolean> {
    const zk = this.host.zk();
    const path = ZkPaths.broker(endpoint.nodeId);
    let version: number;
    try {
      const {data, stat} = await zk.get(path);
      const reg = parseBrokerRegistration(data.toString());
      if (reg.host !== endpoint.host || reg.port !== endpoint.port) return false;
      version = stat.version;
    } catch (err) {
      if (isZkError(err, 'NONODE')) return true;
      throw err;
    }
    await zk.remove(path, {version}).catch(ignoreGone);
    this.host.log(`broker ${endpoint.nodeId} (${endpoint.host}:${endpoint.port}) died: its connection closed and its port refuses connections; removed its registration before its ZooKeeper session times out`);
    try {
      const {data, stat} = await zk.get(ZkPaths.controller);
      if ((JSON.parse(data.toString()) as {brokerid: number}).brokerid === endpoint.nodeId) await zk.remove(ZkPaths.controller, {version: stat.version}).catch(ignoreGone);
    } catch (err) {
      ignoreGone(err);
    }
    return true;
  }
}

/** Someone else removed or changed it first: nothing left to do. */
function ignoreGone(err: unknown): void {
  if (!isZkError(err, 'NONODE') && !isZkError(err, 'BADVERSION')) throw err;
}

/** True only when the connection is actively refused: nothing listens there. */
function refused(endpoint: BrokerEndpoint, localAddress: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({host: endpoint.host, port: endpoint.port, localAddress});
    const done = (result: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(false), PROBE_TIMEOUT_MS);
    socket.once('connect', () => done(false));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED'));
  });
}
