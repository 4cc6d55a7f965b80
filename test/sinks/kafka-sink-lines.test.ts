import os from 'node:os';
import {describe, expect, it} from 'vitest';
import {createInterceptors} from '../../src/interceptors/index.js';
import {Line} from '../../src/lib/line.js';
import {LineEvent, lineOrigin, type LineOrigin} from '../../src/pipeline/event.js';
import {applyInterceptors} from '../../src/pipeline/interceptor.js';
import {SinkDataError} from '../../src/pipeline/sink.js';
import {KafkaSink} from '../../src/sinks/kafka-sink.js';
import {ORIGIN_HEADER} from '../../src/pipeline/origin.js';
import {startBroker} from '../helpers/broker.js';
import {header, readTopic} from '../helpers/kafka.js';

const FILE = '/var/spool/cars/status.txt';

describe('Kafka sink with lines of a file', () => {
  it('each record carries its own headers, its origin header and its timestamp; a rejected line is refused with its index', async () => {
    const {broker, bootstrap} = await startBroker();
    try {
      await broker.createTopic('lines', 1, {});
      // Lines of two reads (two shared origins), the first read starting every line with a basename header.
      const first = lineOrigin(FILE, 77, Object.freeze({basename: 'status.txt'}));
      const second = lineOrigin(FILE, 77);
      // Each line a range of its read's chunk, as the file sources make them.
      const chunk = Buffer.from('1451606400000 first\nno stamp\nbad\u0001line\n1451606401000 second\nplain\n');
      const line = (from: LineOrigin, offset: number, length: number) => LineEvent.of(from, new Line(offset, offset + length + 1, length, chunk, offset, offset + length));
      const events = [line(first, 0, 19), line(first, 20, 8), line(first, 29, 8), line(second, 38, 20)];
      events[2].rejected = 'binary data';
      // Sets `timestamp` only on lines that start with one.
      const kept = applyInterceptors(createInterceptors([{type: 'regex_extractor', regex: '^(\\d{13}) ', serializers: [{name: 'timestamp'}]}]), events);
      const sink = new KafkaSink({name: 'k', brokers: [bootstrap], topic: 'lines', redeliveryWindow: 0});
      await sink.start();
      const err = await sink.write(kept).catch((e: unknown) => e);
      // A line nothing read: the encoder copies its bytes from the chunk.
      await sink.write([line(second, 59, 5)]);
      await sink.close();
      expect(err).toBeInstanceOf(SinkDataError);
      expect((err as SinkDataError).rejected).toEqual([{index: 2, reason: 'binary data'}]);

      const records = await readTopic(bootstrap, 'lines');
      expect(records.map((r) => ({value: r.value!.toString(), headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value!.toString()]))}))).toEqual([
        {value: '1451606400000 first', headers: {basename: 'status.txt', timestamp: '1451606400000', [ORIGIN_HEADER]: `${os.hostname()}:77:0`}},
        {value: 'no stamp', headers: {basename: 'status.txt', [ORIGIN_HEADER]: `${os.hostname()}:77:20`}},
        {value: '1451606401000 second', headers: {timestamp: '1451606401000', [ORIGIN_HEADER]: `${os.hostname()}:77:38`}},
        {value: 'plain', headers: {[ORIGIN_HEADER]: `${os.hostname()}:77:59`}},
      ]);
      expect(records[0].timestamp).toBe(1451606400000);
      expect(records[2].timestamp).toBe(1451606401000);
      expect(header(records[1], 'timestamp')).toBeUndefined();
    } finally {
      await broker.close();
    }
  });
});
