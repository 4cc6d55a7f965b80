/** Flume sinks (kafka, logger, file_roll, hdfs as local files, hbase) as kcollect sinks. Part of `kcollect agent import` (../flume-import.ts). */
import {COMPRESSIONS} from '../../client/client-settings.js';
import {Scope, type SinkInput, type TypeTable, defined} from './scope.js';

export function convertSink(s: Scope, name: string): SinkInput | undefined {
  const type = s.type(SINK_TYPES);
  if (type === undefined) return undefined;
  const channel = s.str('channel');
  if (channel === undefined) {
    s.drop('type', `sink ${name} has no channel`);
    return undefined;
  }
  switch (type) {
    case 'kafka':
      return kafkaSink(s, channel);
    case 'logger':
      return defined({type, channel, maxBytesToLog: s.positive('maxBytesToLog')});
    case 'file_roll':
      return fileRollSink(s, channel);
    case 'hdfs':
      return hdfsSink(s, channel);
    case 'hbase':
      return hbaseSink(s, channel);
  }
  return undefined;
}

const SINK_TYPES: TypeTable = {
  'org.apache.flume.sink.kafka.kafkasink': 'kafka',
  logger: 'logger',
  'org.apache.flume.sink.loggersink': 'logger',
  file_roll: 'file_roll',
  'org.apache.flume.sink.rollingfilesink': 'file_roll',
  hdfs: 'hdfs',
  'org.apache.flume.sink.hdfs.hdfseventsink': 'hdfs',
  hbase: 'hbase',
  hbase2: 'hbase',
  asynchbase: 'hbase',
  'org.apache.flume.sink.hbase.hbasesink': 'hbase',
  'org.apache.flume.sink.hbase2.hbase2sink': 'hbase',
  'org.apache.flume.sink.hbase.asynchbasesink': 'hbase',
  avro: 'kcollect agents do not send Avro RPC; send to Kafka (a kafka sink) and let the next stage consume the topic',
  thrift: 'kcollect agents do not send Thrift RPC; send to Kafka (a kafka sink) instead',
  null: 'kcollect has no null sink; a logger sink with a small maxBytesToLog is the nearest',
  irc: 'kcollect has no IRC sink',
  'org.apache.flume.sink.elasticsearch.elasticsearchsink': 'kcollect has no Elasticsearch sink',
  'org.apache.flume.sink.solr.morphline.morphlinesolrsink': 'kcollect has no Solr sink',
};

function kafkaSink(s: Scope, channel: string): SinkInput {
  const topic = s.preferred('kafka.topic', 'topic');
  const brokers = s.preferred('kafka.bootstrap.servers', 'brokerList');
  const batchSize = s.preferredPositive('flumeBatchSize', 'batchSize');
  const rawAcks = s.preferred('kafka.producer.acks', 'requiredAcks');
  const ackKey = s.has('kafka.producer.acks') ? 'kafka.producer.acks' : 'requiredAcks';
  let acks: 'all' | '1' | '0' | undefined;
  if (rawAcks === undefined) s.noteType('Flume\'s KafkaSink defaults to acks=1; kcollect defaults to an idempotent producer with acks=all (no loss when a leader fails, no duplicates on retry)');
  else if (rawAcks === '-1' || rawAcks === 'all') acks = 'all';
  else if (rawAcks === '1' || rawAcks === '0') {
    acks = rawAcks;
    s.note(ackKey, `acks=${rawAcks} kept, so the producer is not idempotent (idempotence needs acks=all); kcollect's default is idempotent with acks=all (no loss when a leader fails, no duplicates on retry): delete the acks and idempotent lines to get it`);
  } else s.unconvert(ackKey, `"${rawAcks}" is not an acks value (1, 0, -1, all)`);
  if (topic === undefined) s.noteType('no topic given: Flume\'s default default-flume-topic is used');
  if (brokers === undefined) s.noteType('no brokers given: the agent uses --brokers, the profile, or 127.0.0.1:9092');
  const compression = s.str('kafka.producer.compression.type');
  let codec: (typeof COMPRESSIONS)[number] | undefined;
  if (compression !== undefined && (COMPRESSIONS as readonly string[]).includes(compression)) codec = compression as typeof codec;
  else if (compression !== undefined) s.unconvert('kafka.producer.compression.type', `kcollect compresses with ${COMPRESSIONS.join(', ')}`);
  for (const key of s.keysUnder('kafka.producer')) {
    if (!s.isUsed(key)) s.unconvert(key, 'kcollect does not pass producer properties through (it sets batching, retries and acks itself)');
  }
  if (s.bool('useFlumeEventFormat')) s.unconvert('useFlumeEventFormat', 'kcollect sends the body as the record value; headers are not wrapped in an Avro envelope');
  const override = s.optBool('allowTopicOverride');
  if (s.has('topicHeader') || override === true) s.unconvert(s.has('topicHeader') ? 'topicHeader' : 'allowTopicOverride', 'kcollect sends every event to the sink\'s topic; it does not take the topic from a header');
  for (const key of ['partitionIdHeader', 'defaultPartitionId']) {
    if (s.has(key)) s.unconvert(key, 'kcollect partitions by the record key (the `key` header, as in Flume), not by a fixed partition');
  }
  return defined({
    type: 'kafka' as const,
    channel,
    topic: topic ?? 'default-flume-topic',
    brokers,
    key: {header: 'key'},
    acks,
    idempotent: acks === '1' || acks === '0' ? false : undefined,
    compression: codec,
    batchSize,
  });
}

function fileRollSink(s: Scope, channel: string): SinkInput | undefined {
  const path = s.str('sink.directory');
  if (path === undefined) {
    s.drop('type', 'a file_roll sink needs sink.directory');
    return undefined;
  }
  const seconds = s.nonNegative('sink.rollInterval');
  const manager = s.str('sink.pathManager');
  if (manager !== undefined) s.note('sink.pathManager', 'kcollect names its files itself (prefix, time, sequence, suffix)');
  const ext = s.str('sink.pathManager.extension');
  textSerializer(s, 'sink.serializer');
  s.noteType('Flume\'s file_roll has no size roll; kcollect also rolls at rollSize (default 64 MiB)');
  return defined({
    type: 'file_roll' as const,
    channel,
    path,
    filePrefix: s.raw('sink.pathManager.prefix'),
    fileSuffix: ext === undefined ? undefined : `.${ext}`,
    rollInterval: (seconds ?? 30) * 1000,
    batchSize: s.positive('batchSize'),
  });
}

function textSerializer(s: Scope, key: string): void {
  const serializer = s.str(key);
  if (serializer !== undefined && serializer.toUpperCase() !== 'TEXT') s.unconvert(key, `kcollect writes each body as a line of text; the ${serializer} serializer has no equivalent`);
  if (s.has(`${key}.appendNewline`) && !s.bool(`${key}.appendNewline`)) s.unconvert(`${key}.appendNewline`, 'kcollect always ends each event with a newline');
}

function hdfsSink(s: Scope, channel: string): SinkInput | undefined {
  const raw = s.str('hdfs.path');
  if (raw === undefined) {
    s.drop('type', 'an hdfs sink needs hdfs.path');
    return undefined;
  }
  const path = raw.replace(/^[a-z][\w+.-]*:\/\/[^/]*/i, '') || '/';
  s.note('hdfs.path', `kcollect has no HDFS client: this becomes a file_roll sink writing local files under ${path} (same path escapes, roll triggers and in-use suffix); copy them to HDFS with \`hdfs dfs -put\` if you need them there`);
  const fileType = s.str('hdfs.fileType');
  if (fileType !== undefined && fileType !== 'DataStream') s.unconvert('hdfs.fileType', `kcollect writes plain text files (DataStream); ${fileType} has no equivalent`);
  if (s.has('hdfs.writeFormat')) s.note('hdfs.writeFormat', 'not needed: it applies to SequenceFiles; kcollect writes text');
  if (s.bool('hdfs.useLocalTimeStamp')) s.unconvert('hdfs.useLocalTimeStamp', 'kcollect takes the time for path escapes from the timestamp header only; add a timestamp interceptor to the source instead');
  const zone = s.str('hdfs.timeZone');
  if (zone !== undefined && !/^(UTC|GMT|Etc\/UTC)$/i.test(zone)) s.unconvert('hdfs.timeZone', 'kcollect formats path times in UTC');
  for (const k of ['hdfs.round', 'hdfs.roundValue', 'hdfs.roundUnit']) {
    if (s.has(k)) s.unconvert(k, 'kcollect does not round the time in path escapes');
  }
  for (const k of ['hdfs.codeC']) {
    if (s.has(k)) s.unconvert(k, 'kcollect writes uncompressed files');
  }
  s.noteAll(['hdfs.callTimeout', 'hdfs.threadsPoolSize', 'hdfs.rollTimerPoolSize', 'hdfs.maxOpenFiles', 'hdfs.closeTries', 'hdfs.retryInterval', 'hdfs.minBlockReplicas', 'hdfs.emptyInUseSuffix', 'hdfs.kerberosPrincipal', 'hdfs.kerberosKeytab', 'hdfs.proxyUser'], 'not needed: an HDFS client setting, and kcollect writes local files');
  textSerializer(s, 'serializer');
  const rollSize = s.nonNegative('hdfs.rollSize') ?? 1024;
  if (rollSize === 0) s.note('hdfs.rollSize', 'kcollect cannot turn size rolls off; it rolls at its default, 64 MiB');
  const seconds = (key: string, fallback?: number) => {
    const v = s.nonNegative(key) ?? fallback;
    return v === undefined ? undefined : v * 1000;
  };
  return defined({
    type: 'file_roll' as const,
    channel,
    path,
    filePrefix: s.raw('hdfs.filePrefix') ?? 'FlumeData',
    fileSuffix: s.raw('hdfs.fileSuffix'),
    inUsePrefix: s.raw('hdfs.inUsePrefix'),
    inUseSuffix: s.raw('hdfs.inUseSuffix'),
    rollSize: rollSize === 0 ? undefined : rollSize,
    rollCount: s.nonNegative('hdfs.rollCount') ?? 10,
    rollInterval: seconds('hdfs.rollInterval', 30),
    idleTimeout: seconds('hdfs.idleTimeout'),
    batchSize: s.positive('hdfs.batchSize'),
  });
}

function hbaseSink(s: Scope, channel: string): SinkInput | undefined {
  const table = s.str('table');
  const columnFamily = s.str('columnFamily');
  if (table === undefined || columnFamily === undefined) {
    s.drop('type', `an HBase sink needs ${table === undefined ? 'table' : 'columnFamily'}`);
    return undefined;
  }
  const gateway = 'kcollect writes through the HBase REST gateway, not ZooKeeper: set url (default http://127.0.0.1:8080, `kcollect hbase serve`)';
  s.noteAll(['zookeeperQuorum', 'znodeParent'], gateway);
  if (!s.has('zookeeperQuorum')) s.noteType(gateway);
  s.noteAll(['timeout'], 'not needed: kcollect waits for each batch\'s write before taking the next');
  const serializer = s.str('serializer');
  const rows = 'kcollect\'s hbase sink splits each line at `delimiter` (default ,) into `columns` and builds the row key from `rowKey` (defaults: the book\'s driving-log columns, row key {date:reverse}-{car_number}); set columns, delimiter and rowKey by hand';
  if (serializer !== undefined) s.unconvert('serializer', `Flume's ${serializer.split('.').pop()}: ${rows}`);
  else s.noteType(`Flume's default serializer writes the whole body to one column; ${rows}`);
  for (const key of s.keysUnder('serializer')) {
    if (!s.isUsed(key)) s.unconvert(key, `a serializer option; ${rows}`);
  }
  if (s.bool('coalesceIncrements')) s.unconvert('coalesceIncrements', 'kcollect writes cells, not increments');
  return defined({type: 'hbase' as const, channel, table, columnFamily, batchSize: s.positive('batchSize')});
}
