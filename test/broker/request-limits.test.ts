import fs from 'node:fs';
import net from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {WireConnection} from '../../src/client/wire-connection.js';
import {encode, isFlexible} from '../../src/protocol/codec.js';
import {writeRequestHeader} from '../../src/protocol/header.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {ApiVersions} from '../../src/protocol/messages/18-api-versions.js';
import {encodeBatch} from '../../src/protocol/records/records.js';
import {Writer} from '../../src/protocol/writer.js';
import {spawnBroker, startBroker, tempDir, type BrokerProcess} from '../helpers/broker.js';

const MiB = 1024 * 1024;

async function produceFrame(valueBytes: number): Promise<Buffer> {
  const records = await encodeBatch([{value: Buffer.alloc(valueBytes, 'x')}]);
  const w = new Writer();
  const size = w.reserveInt32();
  writeRequestHeader(w, {apiKey: 0, apiVersion: 3, correlationId: 1, clientId: 'big'}, isFlexible(Produce.request, 3));
  encode(Produce.request, 3, {transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{name: 'big', partitionData: [{index: 0, records}]}]}, w);
  size.set(w.length - 4);
  return w.toBuffer();
}

/** Resident memory of a process in bytes: now (VmRSS) or its peak so far (VmHWM). */
function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

function connect(bootstrap: string): Promise<net.Socket> {
  const [host, port] = bootstrap.split(':');
  return new Promise((resolve, reject) => {
    const s = net.connect({host, port: Number(port)}, () => resolve(s));
    s.once('error', reject);
  });
}

const firstBytes = (s: net.Socket) => new Promise<Buffer>((resolve) => s.once('data', resolve));

describe('broker request limits', () => {
  let broker: BrokerProcess | undefined;
  afterEach(async () => {
    broker?.proc.kill('SIGKILL');
    await broker?.exited;
    broker = undefined;
  });

  it('holds partial requests of many clients within queued.max.request.bytes, and answers them all in turn', async () => {
    broker = await spawnBroker(tempDir('queued'), {extraArgs: ['--queued-max-request-bytes', '50MiB']});
    const pid = broker.proc.pid!;
    const frame = await produceFrame(48 * MiB);
    const before = memoryOf(pid, 'VmRSS');

    // Five clients each send all but the last byte of a 48 MiB request and hold it there.
    const clients = await Promise.all(Array.from({length: 5}, () => connect(broker!.bootstrap)));
    const answers = clients.map(firstBytes);
    const sentAllButOne = clients.map((s) => new Promise((resolve) => s.write(frame.subarray(0, frame.length - 1), resolve)));
    // One client at a time fits the budget: the first one's bytes are taken, the others wait on TCP
    // (a broker without the budget takes them all: give it a moment to do so).
    await Promise.race(sentAllButOne);
    await Promise.race([Promise.all(sentAllButOne), new Promise((r) => setTimeout(r, 3000))]);
    for (const s of clients) s.write(frame.subarray(frame.length - 1));

    // Every client is answered (MESSAGE_TOO_LARGE here: the point is the broker takes them in turn).
    const replies = await Promise.all(answers);
    for (const r of replies) expect(r.length).toBeGreaterThan(4);
    const peakGrowth = memoryOf(pid, 'VmHWM') - before;
    // Without the budget the five partial requests alone take 240 MiB.
    expect(peakGrowth).toBeLessThan(160 * MiB);
    expect(broker.proc.exitCode).toBeNull();
    for (const s of clients) s.destroy();
  }, 180_000);

  it('closes connections idle for connections.max.idle.ms and keeps busy ones', async () => {
    const {broker: b, bootstrap} = await startBroker({connectionsMaxIdleMs: 300});
    try {
      const idle = await connect(bootstrap);
      const closed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
      await closed;
      expect(idle.destroyed).toBe(true);
      // A new connection is served as usual.
      const [host, port] = bootstrap.split(':');
      const conn = await WireConnection.connect(host, Number(port));
      const res = await conn.request(ApiVersions, 3, {clientSoftwareName: 'idle', clientSoftwareVersion: '1'});
      expect(res.errorCode).toBe(0);
      conn.close();
    } finally {
      await b.close();
    }
  }, 60_000);

  it('refuses connections beyond max.connections and serves the others', async () => {
    const {broker: b, bootstrap, logs} = await startBroker({maxConnections: 2});
    try {
      const [host, port] = bootstrap.split(':');
      const kept = [await WireConnection.connect(host, Number(port)), await WireConnection.connect(host, Number(port))];
      const third = await connect(bootstrap);
      await new Promise<void>((resolve) => third.once('close', () => resolve()));
      for (const c of kept) {
        const res = await c.request(ApiVersions, 3, {clientSoftwareName: 'kept', clientSoftwareVersion: '1'});
        expect(res.errorCode).toBe(0);
        c.close();
      }
      expect(logs.some((l) => /max\.connections=2/.test(l))).toBe(true);
    } finally {
      await b.close();
    }
  }, 60_000);
});
