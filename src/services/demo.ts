import fs from 'node:fs';
import path from 'node:path';
import type {Broker} from '../broker/broker.js';
import {createKafka} from '../client/kafka.js';
import {openProducer, type TopicProducer} from '../client/producer.js';
import {simulateDriving} from '../simulate/driving.js';
import {RECORD_LINE, today} from '../simulate/common.js';
import {startBroker} from './broker-service.js';

export const DEMO_TOPIC = 'SmartCar-Topic';
const DRAIN_GROUP = 'smartcar-drain';

export interface DemoOptions {
  cars: number;
  durationMs: number;
  /** Working directory: broker data, the driving log, the broker's log. Wiped at the start. */
  dir: string;
  /** Progress lines for a person watching. */
  progress: (line: string) => void;
}

export interface DemoReport {
  topic: string;
  brokers: string;
  cars: number;
  /** Record lines the driving simulator wrote (headers excluded). */
  written: number;
  /** Lines the collector rejected (the book's `^\d{14}` filter drops the per-car headers). */
  filtered: number;
  /** Records Kafka acknowledged. */
  acknowledged: number;
  /** Sum of the partitions' high watermarks. */
  inKafka: number;
  /** Records the consumer group read. */
  consumed: number;
  lost: number;
  duplicated: number;
  reconciled: boolean;
  elapsedMs: number;
}

/**
 * The smart-car pilot, end to end on the embedded broker: drivers write their real-time log,
 * a collector follows the file and sends each record to Kafka keyed by car number (so a car's
 * records stay in order in one partition), a consumer group drains the topic, and the counts are
 * reconciled line by line.
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const started = Date.now();
  fs.rmSync(options.dir, {recursive: true, force: true});
  fs.mkdirSync(options.dir, {recursive: true});
  const brokerLog = fs.createWriteStream(path.join(options.dir, 'broker.log'));
  const broker = await startBroker({port: 0, dataDir: path.join(options.dir, 'broker'), groupInitialRebalanceDelayMs: 0, log: (l) => brokerLog.write(`${l}\n`)});
  const {host, port} = broker.advertised;
  const brokers = [`${host}:${port}`];
  options.progress(`broker ready on ${brokers[0]} (data in ${broker.options.dataDir})`);
  try {
    await broker.createTopic(DEMO_TOPIC, 3, {});
    const drain = await startDrain(brokers);
    const producer = await openProducer(DEMO_TOPIC, {brokers, idempotent: true, acks: 'all', clientId: 'smartcar-collector'});
    const logFile = path.join(options.dir, 'driver-realtime-log', 'SmartCarDriverInfo.log');
    const collector = new LineCollector(logFile, producer);
    options.progress(`${options.cars} drivers writing ${logFile} for ${Math.round(options.durationMs / 1000)} s; collecting into ${DEMO_TOPIC}`);
    let lastReport = Date.now();
    let written = 0;
    for await (const batch of simulateDriving({cars: options.cars, outFile: logFile, speed: 'realtime', durationMs: options.durationMs, date: today(), truncate: true})) {
      written = batch.total.lines;
      await collector.collect();
      if (Date.now() - lastReport >= 5000) {
        lastReport = Date.now();
        options.progress(`written ${written}, sent ${collector.sent}, consumed ${drain.consumed()}`);
      }
    }
    await collector.collect();
    const delivery = await producer.flush();
    await producer.close();
    const inKafka = highWatermarks(broker);
    options.progress(`simulator done: ${written} records; waiting for the consumer group to drain ${inKafka}`);
    await drain.until(inKafka, 60_000);
    await drain.stop();
    const seen = drain.seen();
    const lines = readRecordLines(logFile);
    const lost = lines.filter((l) => !seen.has(l)).length;
    const consumed = drain.consumed();
    return {
      topic: DEMO_TOPIC,
      brokers: brokers[0],
      cars: options.cars,
      written,
      filtered: collector.filtered,
      acknowledged: delivery.records,
      inKafka,
      consumed,
      lost,
      duplicated: consumed - seen.size,
      reconciled: lost === 0 && consumed === seen.size && lines.length === written,
      elapsedMs: Date.now() - started,
    };
  } finally {
    await broker.close();
    brokerLog.end();
  }
}

function highWatermarks(broker: Broker): number {
  const info = broker.logs.topic(DEMO_TOPIC)!;
  let total = 0;
  for (let p = 0; p < info.partitions; p++) total += broker.logs.partition(DEMO_TOPIC, p)!.highWatermark;
  return total;
}

function readRecordLines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => RECORD_LINE.test(l));
}

/**
 * Follows the driving log from where it last stopped and sends every complete record line,
 * keyed by car number; header lines are filtered out as the book's Flume regex filter does.
 */
class LineCollector {
  private position = 0;
  private partial = '';
  sent = 0;
  filtered = 0;

  constructor(
    private readonly file: string,
    private readonly producer: TopicProducer,
  ) {}

  async collect(): Promise<void> {
    const fd = fs.openSync(this.file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.position) return;
      const buf = Buffer.alloc(size - this.position);
      fs.readSync(fd, buf, 0, buf.length, this.position);
      this.position = size;
      const lines = (this.partial + buf.toString('utf8')).split('\n');
      this.partial = lines.pop()!;
      const records = [];
      for (const line of lines) {
        if (!RECORD_LINE.test(line)) {
          this.filtered++;
          continue;
        }
        records.push({key: Buffer.from(line.split(',')[1]), value: Buffer.from(line)});
      }
      if (records.length > 0) await this.producer.send(records);
      this.sent += records.length;
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** A consumer group reading the topic from the beginning and remembering every record. */
async function startDrain(brokers: string[]) {
  const consumer = createKafka(brokers, 'smartcar-drain').consumer({groupId: DRAIN_GROUP, maxWaitTimeInMs: 500});
  const seen = new Set<string>();
  let consumed = 0;
  await consumer.connect();
  await consumer.subscribe({topic: DEMO_TOPIC, fromBeginning: true});
  await consumer.run({
    eachBatch: async ({batch, resolveOffset, heartbeat}) => {
      for (const m of batch.messages) {
        consumed++;
        seen.add(m.value!.toString());
        resolveOffset(m.offset);
      }
      await heartbeat();
    },
  });
  return {
    consumed: () => consumed,
    seen: () => seen,
    async until(target: number, timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (consumed < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    },
    stop: () => consumer.disconnect(),
  };
}
