import {describe, expect, it} from 'vitest';
import {makeEvent, type Event} from '../../src/pipeline/event.js';
import {KafkaSink} from '../../src/sinks/kafka-sink.js';
import {startBroker} from '../helpers/broker.js';
import {topicValues} from '../helpers/kafka.js';

/** Line n of one file (inode 4242), 20 bytes a line. */
function line(n: number, redelivered = false): Event {
  const event = makeEvent(`line ${String(n).padStart(14, '0')}`, {}, {file: '/var/log/app.log', inode: 4242, offset: n * 20});
  if (redelivered) event.redelivered = true;
  return event;
}

const lines = (from: number, to: number, redelivered = false) => Array.from({length: to - from}, (_, i) => line(from + i, redelivered));

describe('Kafka sink after a restart', () => {
  it('recognises lines read again that Kafka holds also behind more redelivered events than it read back', async () => {
    const {broker, bootstrap} = await startBroker();
    try {
      await broker.createTopic('restart', 1, {});
      // Before the kill: lines 0-999 reached Kafka; 1000-3999 were in the file channel only.
      const before = new KafkaSink({name: 'k', brokers: [bootstrap], topic: 'restart'});
      await before.start();
      await before.write(lines(0, 1000));
      await before.close();

      // After it: the channel gives back 1000-3999 (marked redelivered), then the source reads 0-999 again.
      const after = new KafkaSink({name: 'k', brokers: [bootstrap], topic: 'restart'});
      await after.start();
      for (let from = 1000; from < 4000; from += 1000) await after.write(lines(from, from + 1000, true));
      await after.write(lines(0, 1000));
      await after.close();

      const values = await topicValues(bootstrap, 'restart');
      expect(values.length - new Set(values).size).toBe(0);
      expect(values).toHaveLength(4000);
      expect(after.redeliveredSkipped).toBe(1000);
    } finally {
      await broker.close();
    }
  });

  it('checks each redelivered batch against what was written since its last one, also by another writer', async () => {
    const {broker, bootstrap} = await startBroker();
    try {
      await broker.createTopic('resent', 2, {});
      const sink = new KafkaSink({name: 'aggregator-1', brokers: [bootstrap], topic: 'resent'});
      const other = new KafkaSink({name: 'aggregator-2', brokers: [bootstrap], topic: 'resent'});
      await sink.start();
      await other.start();
      // A forwarding agent resends lines 0-499 to this aggregator: none is in Kafka yet.
      await sink.write(lines(0, 500, true));
      // Another aggregator wrote lines 500-999 before dying; the agent resends them here too.
      await other.write(lines(500, 1000));
      await sink.write(lines(500, 1000, true));
      // And lines this aggregator wrote itself come again.
      await sink.write(lines(250, 750, true));
      await sink.close();
      await other.close();

      const values = await topicValues(bootstrap, 'resent');
      expect(values.length - new Set(values).size).toBe(0);
      expect(values).toHaveLength(1000);
      expect(sink.redeliveredSkipped).toBe(1000);
    } finally {
      await broker.close();
    }
  });
});
