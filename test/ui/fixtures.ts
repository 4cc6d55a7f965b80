import type {ClusterSnapshot, PipelineInfo} from '../../src/telemetry/cluster-snapshot.js';

/** A pipeline as pipelineOf() makes it: one source, one channel, one sink (or a drain). */
export function pipeline(over: Partial<PipelineInfo> & {name: string}): PipelineInfo {
  return {
    kind: 'agent',
    pid: 4242,
    state: 'running',
    updatedAt: '2024-05-01T08:00:00.000Z',
    eventsIn: 100,
    eventsOut: 90,
    inPerSec: 12.5,
    outPerSec: 11,
    channelFill: 3,
    sinks: [{kind: 'SINK', name: 'kafka', type: 'kafka', state: 'ok', written: 90, backlog: null, p99Ms: 14}],
    components: [{kind: 'SINK', name: 'kafka', type: 'kafka', state: 'ok', counters: {EventDrainSuccessCount: 90}}],
    inHistory: [1, 2, 3],
    outHistory: [1, 2, 3],
    ...over,
  };
}

/** A small healthy cluster: two brokers, two topics, one lagging group, an agent and a parked drain. */
export function snapshot(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    takenAt: Date.parse('2024-05-01T08:00:00Z'),
    bootstrap: ['127.0.0.1:9092'],
    brokers: {
      controller: 1,
      items: [
        {id: 1, address: '127.0.0.1:9092', controller: true, up: true},
        {id: 2, address: '127.0.0.1:9093', controller: false, up: false},
      ],
    },
    topics: {
      items: [
        {
          name: 'SmartCar-Topic',
          internal: false,
          partitions: [
            {partition: 0, leader: 1, replicas: [1, 2], isr: [1], underReplicated: true, logStart: 0, logEnd: 700, sizeBytes: 70_000, perSec: 20},
            {partition: 1, leader: 1, replicas: [1, 2], isr: [1, 2], underReplicated: false, logStart: 0, logEnd: 500, sizeBytes: 50_000, perSec: 10},
          ],
          endOffset: 1200,
          messages: 1200,
          sizeBytes: 120_000,
          underReplicated: 1,
          perSec: 30,
          history: [10, 20, 30],
        },
        {name: 'audit-log', internal: false, partitions: [], endOffset: 0, messages: 0, sizeBytes: null, underReplicated: 0, perSec: 0, history: []},
      ],
    },
    groups: {
      items: [
        {
          group: 'hbase-loader',
          state: 'Stable',
          protocolType: 'consumer',
          members: 1,
          partitions: [
            {topic: 'SmartCar-Topic', partition: 0, committed: 600, logEnd: 700, lag: 100, owner: {memberId: 'kcollect-drain-7f3a', clientId: 'kcollect-drain', host: '/127.0.0.1'}},
            {topic: 'SmartCar-Topic', partition: 1, committed: 480, logEnd: 500, lag: 20, owner: {memberId: 'kcollect-drain-7f3a', clientId: 'kcollect-drain', host: '/127.0.0.1'}},
          ],
          totalLag: 120,
          consumePerSec: 40,
          arrivalPerSec: 30,
          catchUp: 12,
          history: [40],
        },
      ],
    },
    pipelines: {
      items: [
        pipeline({name: 'tail-produce'}),
        pipeline({
          name: 'drain-hbase-loader',
          kind: 'drain',
          eventsIn: null,
          inPerSec: null,
          outPerSec: 0,
          channelFill: null,
          sinks: [{kind: 'DRAIN', name: 'hbase-loader', type: 'hbase', state: 'parked', written: 3475, backlog: 390, p99Ms: null}],
          components: [{kind: 'DRAIN', name: 'hbase-loader', type: 'hbase', state: 'parked', counters: {EventDrainSuccessCount: 3475, Backlog: 390}}],
        }),
      ],
    },
    zookeeper: {connectString: '127.0.0.1:2181', quorum: true, items: [{id: 1, address: '127.0.0.1:2181', mode: 'standalone', znodeCount: 5}]},
    ...over,
  };
}
