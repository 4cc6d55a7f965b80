import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * An idempotent acks=all confluent-kafka (librdkafka) producer writing 0, 1, 2, ... to one
 * partition, one request in flight, until stopped; every acknowledged number is appended to a
 * file with the time of its acknowledgement. librdkafka drops a connection whose requests time
 * out and looks the leader up again, so it moves on when a leader is cut off (kafkajs keeps
 * waiting on the silent connection).
 */
const SCRIPT = `
import os, sys, time
from confluent_kafka import Producer
boot, topic, stopfile, ackfile = sys.argv[1:5]
p = Producer({'bootstrap.servers': boot, 'enable.idempotence': True, 'acks': 'all', 'max.in.flight.requests.per.connection': 1,
              'linger.ms': 0, 'request.timeout.ms': 2000, 'socket.timeout.ms': 3000, 'message.timeout.ms': 120000})
acks = open(ackfile, 'a', buffering=1)
def delivered(err, msg):
    if err is None: acks.write('%s %.3f\\n' % (msg.value().decode(), time.time() * 1000))
    else: sys.stderr.write('delivery failed: %s\\n' % err)
n = 0
while not os.path.exists(stopfile):
    p.produce(topic, value=b'%d' % n, partition=0, on_delivery=delivered)
    n += 1
    p.poll(0.005)
    while len(p) > 20: p.poll(0.02)
left = p.flush(120)
if left: sys.stderr.write('%d message(s) not delivered\\n' % left)
`;

export interface PythonProducer {
  /** The acknowledged numbers so far, in acknowledgement order, with their times (ms since the epoch). */
  acked(): Array<{n: number; at: number}>;
  /** Stops producing, waits for the outstanding acknowledgements; resolves with stderr. */
  stop(): Promise<string>;
}

export function startPythonProducer(bootstrap: string, topic: string, dir: string): PythonProducer {
  fs.mkdirSync(dir, {recursive: true});
  const stopFile = path.join(dir, 'stop');
  const ackFile = path.join(dir, 'acks');
  fs.rmSync(stopFile, {force: true});
  fs.writeFileSync(ackFile, '');
  const child = spawn('/usr/bin/python3', ['-c', SCRIPT, bootstrap, topic, stopFile, ackFile], {stdio: ['ignore', 'ignore', 'pipe']});
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    acked: () => {
      const lines = fs.readFileSync(ackFile, 'utf8').split('\n');
      lines.pop(); // after the last newline: empty, or a line still being written
      return lines.map((l) => {
        const [n, at] = l.split(' ');
        return {n: Number(n), at: Number(at)};
      });
    },
    async stop() {
      fs.writeFileSync(stopFile, '');
      const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
      await exited;
      clearTimeout(timer);
      return stderr;
    },
  };
}
