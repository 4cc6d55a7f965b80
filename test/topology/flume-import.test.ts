import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parse as parseYamlText} from 'yaml';
import {agentConfigSchema, parseAgentConfig} from '../../src/topology/agent-config.js';
import {importFlumeConfig} from '../../src/topology/flume-import.js';
import {parseTailCommand, taildirGlob} from '../../src/topology/flume/sources.js';
import {parseProperties} from '../../src/topology/java-properties.js';
import {ROOT, tempDir} from '../helpers/broker.js';
import {expectUserError, runCli, runCliJson} from '../helpers/cli.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/flume');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const keysOf = (list: Array<{key: string}>) => list.map((u) => u.key);

describe('Java properties parser', () => {
  const props = (text: string) => Object.fromEntries(parseProperties(text).map((p) => [p.key, p.value]));

  it('reads the three separators, comments and blank lines', () => {
    expect(props('a = 1\nb: 2\nc 3\n# x = 9\n  ! y = 9\n\n\td=4\ne\n')).toEqual({a: '1', b: '2', c: '3', d: '4', e: ''});
  });

  it('unescapes the book\'s ^\\\\d{14} to ^\\d{14}, and \\t \\n \\uXXXX \\= \\: and escaped blanks', () => {
    expect(props('regex = ^\\\\d{14}')).toEqual({regex: '^\\d{14}'});
    expect(props('v = a\\tb\\nc\\u0041\\u00e9\\q')).toEqual({v: 'a\tb\ncAéq'});
    expect(props('a\\=b\\:c\\ d = x=y:z')).toEqual({'a=b:c d': 'x=y:z'});
  });

  it('joins continued lines, skipping the next line\'s leading blanks; an even run of backslashes does not continue', () => {
    expect(props('list = a \\\n    b \\\n\tc\nnext = 1')).toEqual({list: 'a b c', next: '1'});
    expect(props('path = C:\\\\\nnext = 1')).toEqual({path: 'C:\\', next: '1'});
    expect(props('# a comment \\\nkey = v')).toEqual({key: 'v'});
  });

  it('keeps trailing blanks of a value and the last of a repeated key (at its first line)', () => {
    const list = parseProperties('a = 1 \nb = 2\r\na = 3\r');
    expect(list).toEqual([
      {key: 'a', value: '3', line: 1},
      {key: 'b', value: '2', line: 2},
    ]);
    expect(props('v = x  ')).toEqual({v: 'x  '});
  });

  it('rejects a malformed \\u escape with the line', () => {
    expect(() => parseProperties('a = 1\nb = \\u12G4', 'f.conf')).toThrow(/f\.conf:2: malformed \\uXXXX escape/);
  });
});

describe('importFlumeConfig: the book\'s SmartCar_Agent (CH04 4.2)', () => {
  const result = importFlumeConfig(fixture('SmartCar_Agent.conf'));
  const {config} = result;

  it('converts to a config the agent schema accepts', () => {
    expect(result.agent).toBe('SmartCar_Agent');
    expect(agentConfigSchema.safeParse(config).success).toBe(true);
    expect(Object.keys(config.sources)).toEqual(['SmartCarInfo_SpoolSource', 'DriverCarInfo_TailSource']);
  });

  it('spooldir with deletePolicy immediate, and the interceptors in order, without the custom one', () => {
    expect(config.sources.SmartCarInfo_SpoolSource).toEqual({
      type: 'spooldir',
      spoolDir: '/home/pilot-pjt/working/car-batch-log',
      deletePolicy: 'immediate',
      batchSize: 1000,
      channels: ['SmartCarInfo_Channel'],
      interceptors: [
        {type: 'timestamp', preserveExisting: true},
        {type: 'static', key: 'logType', value: 'car-batch-log'},
        {type: 'regex_filter', regex: '^\\d{14}', excludeEvents: false},
      ],
    });
    const dropped = result.unconverted.find((u) => u.key.endsWith('collectDayInterceptor.type'));
    expect(dropped?.reason).toMatch(/custom Java interceptor class/);
  });

  it('exec tail -F becomes a tail source on the same file, with a note', () => {
    expect(config.sources.DriverCarInfo_TailSource).toMatchObject({
      type: 'tail',
      paths: ['/home/pilot-pjt/working/driver-realtime-log/SmartCarDriverInfo.log'],
      startAt: 'end',
      batchSize: 1000,
      channels: ['DriverCarInfo_Channel'],
      interceptors: [{type: 'regex_filter', regex: '^\\d{14}', excludeEvents: false}],
    });
    const notes = result.notes.filter((n) => n.key === 'SmartCar_Agent.sources.DriverCarInfo_TailSource.command').map((n) => n.note);
    expect(notes.join(' ')).toMatch(/identity \(inode\).*nothing is lost at rotation/);
  });

  it('the Kafka sink from the old property names: topic, brokers, acks "1", batch size', () => {
    expect(config.sinks.DriverCarInfo_KafkaSink).toEqual({
      type: 'kafka',
      channel: 'DriverCarInfo_Channel',
      topic: 'SmartCar-Topic',
      brokers: 'server02.hadoop.com:9092',
      key: {header: 'key'},
      acks: '1',
      idempotent: false,
      batchSize: 1000,
    });
    expect(result.notes.find((n) => n.key.endsWith('requiredAcks'))?.note).toMatch(/idempotent with acks=all/);
  });

  it('the HDFS sink becomes a local file_roll sink with the same path, names and rolls', () => {
    expect(config.sinks.SmartCarInfo_HdfsSink).toEqual({
      type: 'file_roll',
      channel: 'SmartCarInfo_Channel',
      path: '/pilot-pjt/collect/%{logType}/wrk_date=%Y%m%d',
      filePrefix: '%{logType}',
      fileSuffix: '.log',
      rollSize: 67108864,
      rollCount: 0,
      rollInterval: 0,
      idleTimeout: 100_000,
      batchSize: 10000,
    });
    expect(result.notes.find((n) => n.key.endsWith('hdfs.path'))?.note).toMatch(/writing local files/);
  });

  it('memory channels keep their capacity; transactionCapacity is noted as not needed', () => {
    expect(config.channels).toEqual({SmartCarInfo_Channel: {type: 'memory', capacity: 100000}, DriverCarInfo_Channel: {type: 'memory', capacity: 100000}});
    expect(result.notes.filter((n) => n.key.endsWith('transactionCapacity')).map((n) => n.note)).toEqual([expect.stringMatching(/not needed: kcollect batches are bounded by the sink's batchSize/), expect.anything()]);
  });

  it('accounts for every key of the file: converted, noted, or unconverted', () => {
    expect(keysOf(result.unconverted)).toEqual(['SmartCar_Agent.sources.SmartCarInfo_SpoolSource.interceptors.collectDayInterceptor.type']);
  });
});

describe('importFlumeConfig: other configurations', () => {
  it('the book\'s first agent (3.1): spooldir -> memory -> logger, fully converted', () => {
    const {config, unconverted} = importFlumeConfig(fixture('SmartCar_Agent-3.1.conf'));
    expect(unconverted).toEqual([]);
    expect(agentConfigSchema.parse(config)).toMatchObject({
      sources: {SmartCarInfo_SpoolSource: {type: 'spooldir', deletePolicy: 'immediate', batchSize: 1000, channels: ['SmartCarInfo_Channel']}},
      sinks: {SmartCarInfo_LoggerSink: {type: 'logger', channel: 'SmartCarInfo_Channel'}},
    });
  });

  it('TAILDIR with per-group headers, file channel, hbase2 and file_roll sinks, class-name interceptors', () => {
    const result = importFlumeConfig(fixture('taildir-hbase.conf'), 'a1');
    const config = agentConfigSchema.parse(result.config);
    // Different headers per file group: one tail source per group, each with its static header first.
    expect(Object.keys(config.sources)).toEqual(['r1_drivers', 'r1_app']);
    expect(config.sources.r1_drivers).toMatchObject({type: 'tail', paths: ['/data/driver-realtime-log/SmartCarDriverInfo.log'], startAt: 'end', batchSize: 500, channels: ['c1', 'c2'], selector: {type: 'replicating', optional: ['c2']}});
    expect(config.sources.r1_app).toMatchObject({paths: ['/var/log/app/*.log']});
    expect(config.sources.r1_app.interceptors.map((i) => i.type)).toEqual(['static', 'regex_filter', 'host', 'uuid', 'regex_extractor', 'search_replace']);
    expect(config.sources.r1_app.interceptors[0]).toEqual({type: 'static', key: 'logType', value: 'app', preserveExisting: false});
    expect(config.sources.r1_drivers.interceptors[4]).toEqual({
      type: 'regex_extractor',
      regex: '^(\\d{14}),([A-Z]\\d{4}),',
      serializers: [{name: 'timestamp', type: 'millis', pattern: 'yyyyMMddHHmmss'}, {name: 'carNumber'}],
    });
    expect(config.sources.r1_drivers.interceptors[2]).toEqual({type: 'host', hostHeader: 'collector', useIP: false});
    expect(config.channels.c1).toMatchObject({type: 'file', dir: '/var/lib/flume/data', capacity: 2000000});
    expect(config.channels.c2).toMatchObject({type: 'memory', capacity: 10000, byteCapacity: 8388608});
    expect(config.sinks.hb).toMatchObject({type: 'hbase', table: 'DriverCarInfo', columnFamily: 'cf1', batchSize: 200, url: 'http://127.0.0.1:8080'});
    expect(config.sinks.files).toMatchObject({type: 'file_roll', path: '/var/log/flume-out', fileSuffix: '.log', rollInterval: 300_000});

    expect(keysOf(result.unconverted)).toEqual([
      'a1.sources.r1.fileHeader',
      'a1.sources.r1.interceptors.i6.type',
      'a1.sources.r1.interceptors.i6.withName',
      'a1.sinks.hb.serializer',
      'a1.sinks.hb.serializer.regex',
      'a1.sinks.hb.serializer.colNames',
    ]);
    expect(result.unconverted[1].reason).toMatch(/no remove_header interceptor/);
    const noted = keysOf(result.notes);
    expect(noted).toEqual(expect.arrayContaining(['a1.sources.r1.positionFile', 'a1.channels.c1.checkpointDir', 'a1.channels.c1.dataDirs', 'a1.sinks.hb.zookeeperQuorum']));
    expect(result.notes.find((n) => n.key === 'a1.sources.r1.positionFile')?.note).toMatch(/JSON position file is not read/);
    // a2's keys belong to another agent: not reported for a1.
    expect([...keysOf(result.unconverted), ...noted].some((k) => k.startsWith('a2.'))).toBe(false);
  });

  it('lists unknown options, unlisted components and dangling references instead of dropping them', () => {
    const text = [
      'ag.sources = s',
      'ag.channels = c gone',
      'ag.sinks = k k2',
      'ag.sources.s.type = spooldir',
      'ag.sources.s.spoolDir = /spool',
      'ag.sources.s.channels = c gone',
      'ag.sources.s.includePattern = .*\\\\.csv',
      'ag.sources.s.pollDelay = 250',
      'ag.sources.s.fileHeader = true',
      'ag.sources.s.consumeOrder = random',
      'ag.sources.s.frobnicate = yes',
      'ag.sources.s.interceptors = i1',
      'ag.sources.s.interceptors.i1.type = timestamp',
      'ag.sources.s.interceptors.i9.type = host',
      'ag.sources.other.type = exec',
      'ag.channels.c.type = memory',
      'ag.channels.gone.type = jdbc',
      'ag.sinks.k.type = logger',
      'ag.sinks.k.channel = c',
      'ag.sinks.k2.type = avro',
      'ag.sinks.k2.channel = c',
      'ag.sinks.k2.hostname = h',
      'ag.weird = 1',
    ].join('\n');
    const result = importFlumeConfig(text);
    expect(agentConfigSchema.safeParse(result.config).success).toBe(true);
    expect(result.config.sources.s).toMatchObject({channels: ['c'], includePattern: '^(?:.*\\.csv)$', pollInterval: 250, fileHeaderKey: 'file'});
    const reasons = Object.fromEntries(result.unconverted.map((u) => [u.key, u.reason]));
    expect(reasons).toEqual({
      'ag.sources.s.channels': expect.stringMatching(/no longer writes to gone/),
      'ag.sources.s.consumeOrder': expect.stringMatching(/oldest file first/),
      'ag.sources.s.frobnicate': 'not an option kcollect converts for source s',
      'ag.sources.s.interceptors.i9.type': 'i9 is not listed in ag.sources.s.interceptors',
      'ag.sources.other.type': expect.stringMatching(/source other is not listed in ag.sources/),
      'ag.channels.gone.type': 'kcollect has no JDBC channel; use a file channel',
      'ag.sinks.k2.type': expect.stringMatching(/do not send Avro RPC/),
      'ag.sinks.k2.channel': 'belongs to sinks.k2, which is not converted',
      'ag.sinks.k2.hostname': 'belongs to sinks.k2, which is not converted',
      'ag.weird': expect.stringMatching(/not an agent setting/),
    });
  });

  it('converts selectors and sink groups, newer Kafka names, and hdfs:// paths', () => {
    const text = [
      'a.sources = s',
      'a.channels = c1 c2',
      'a.sinks = k1 k2 k3',
      'a.sinkgroups = g',
      'a.sources.s.type = TAILDIR',
      'a.sources.s.filegroups = f',
      'a.sources.s.filegroups.f = /logs/app-[0-9]\\\\.log',
      'a.sources.s.channels = c1 c2',
      'a.sources.s.selector.type = multiplexing',
      'a.sources.s.selector.header = light',
      'a.sources.s.selector.mapping.L = c2',
      'a.sources.s.selector.mapping.R = c2',
      'a.sources.s.selector.default = c1',
      'a.channels.c1.type = org.apache.flume.channel.MemoryChannel',
      'a.channels.c2.type = file',
      'a.channels.c2.dataDirs = /d',
      'a.sinks.k1.type = org.apache.flume.sink.kafka.KafkaSink',
      'a.sinks.k1.channel = c1',
      'a.sinks.k1.kafka.topic = t',
      'a.sinks.k1.kafka.bootstrap.servers = b1:9092,b2:9092',
      'a.sinks.k1.kafka.producer.acks = -1',
      'a.sinks.k1.kafka.producer.linger.ms = 5',
      'a.sinks.k1.flumeBatchSize = 50',
      'a.sinks.k2.type = hdfs',
      'a.sinks.k2.channel = c2',
      'a.sinks.k2.hdfs.path = hdfs://nn:8020/flume/%Y',
      'a.sinks.k2.hdfs.round = true',
      'a.sinks.k3.type = logger',
      'a.sinks.k3.channel = c2',
      'a.sinkgroups.g.sinks = k2 k3',
      'a.sinkgroups.g.processor.type = failover',
      'a.sinkgroups.g.processor.priority.k2 = 10',
      'a.sinkgroups.g.processor.priority.k3 = 5',
      'a.sinkgroups.g.processor.maxpenalty = 10000',
    ].join('\n');
    const result = importFlumeConfig(text);
    const config = agentConfigSchema.parse(result.config);
    expect(config.sources.s).toMatchObject({type: 'tail', paths: ['/logs/app-[0-9].log'], startAt: 'beginning', selector: {type: 'multiplexing', header: 'light', mapping: {L: ['c2'], R: ['c2']}, default: ['c1']}});
    expect(config.sinks.k1).toMatchObject({topic: 't', brokers: 'b1:9092,b2:9092', acks: 'all', batchSize: 50});
    expect(config.sinks.k1).not.toHaveProperty('idempotent', false); // acks=all keeps kcollect's idempotent default
    expect(config.sinks.k2).toMatchObject({type: 'file_roll', path: '/flume/%Y', filePrefix: 'FlumeData', rollSize: 1024, rollCount: 10, rollInterval: 30_000});
    expect(config.sinkGroups.g).toEqual({processor: 'failover', sinks: ['k2', 'k3'], priority: {k2: 10, k3: 5}, maxPenalty: 10000});
    expect(keysOf(result.unconverted)).toEqual(['a.sinks.k1.kafka.producer.linger.ms', 'a.sinks.k2.hdfs.round']);
  });

  it('exec commands: tail -F/-f with options convert, anything else is listed with the reason', () => {
    expect(parseTailCommand('tail -F /a.log /b.log')).toMatchObject({paths: ['/a.log', '/b.log'], startAt: 'end', follow: 'name'});
    expect(parseTailCommand('/usr/bin/tail -n +0 -f "/my logs/a.log"')).toMatchObject({paths: ['/my logs/a.log'], startAt: 'beginning', follow: 'descriptor'});
    expect(parseTailCommand('tail -F /x | grep -v DEBUG')).toMatch(/shell pipeline/);
    expect(parseTailCommand('tail /x')).toMatch(/does not follow/);
    expect(parseTailCommand('cat /x')).toMatch(/not a tail command/);
    const r = importFlumeConfig(['b.sources = s t', 'b.channels = c', 'b.sinks = k', 'b.sources.s.type = exec', 'b.sources.s.shell = /bin/bash -c', 'b.sources.s.command = tail -F /x | grep y', 'b.sources.s.channels = c', 'b.sources.t.type = exec', 'b.sources.t.command = tail -f /y', 'b.sources.t.channels = c', 'b.channels.c.type = memory', 'b.sinks.k.type = logger', 'b.sinks.k.channel = c'].join('\n'));
    expect(Object.keys(r.config.sources)).toEqual(['t']);
    expect(keysOf(r.unconverted)).toEqual(['b.sources.s.type', 'b.sources.s.shell', 'b.sources.s.command', 'b.sources.s.channels']);
    expect(r.config.sources.t).toMatchObject({type: 'tail', paths: ['/y']});
    expect(r.unconverted.find((u) => u.key === 'b.sources.s.command')?.reason).toMatch(/shell pipeline.*kcollect does not run commands/);
  });

  it('TAILDIR file-name regexes: simple ones become globs, others are refused', () => {
    expect(taildirGlob('/var/log/.*\\.log')).toBe('/var/log/*.log');
    expect(taildirGlob('/var/log/app.log')).toBe('/var/log/app?log');
    expect(taildirGlob('/var/log/^app-[^x]\\.log$')).toBe('/var/log/app-[!x].log');
    expect(taildirGlob('/var/log/(a|b)\\.log')).toMatch(/^!.*beyond what kcollect's globs express/);
    expect(taildirGlob('/var/log/a\\d+\\.log')).toMatch(/^!/);
  });

  it('choosing the agent: the only one, --agent, or an error listing them', () => {
    const two = fixture('taildir-hbase.conf');
    expect(() => importFlumeConfig(two)).toThrow(/defines 2 agents: a1, a2/);
    expect(() => importFlumeConfig(two, 'a3')).toThrow(/no agent "a3" \(agents found: a1, a2\)/);
    // a2 is an exec pipeline into an Avro sink: nothing converts, and the error says why.
    expect(() => importFlumeConfig(two, 'a2')).toThrow(/nothing of agent a2 converts.*a2\.sources\.s\.command: .*shell pipeline/);
    expect(() => importFlumeConfig('# empty\n')).toThrow(/defines no Flume agent/);
  });

  it('a typo names its cause and what was meant: a sink on an undeclared channel, a misspelled option', () => {
    const agent = (sink: string[]) =>
      ['a.sources = r', 'a.channels = c', 'a.sinks = k', 'a.sources.r.type = TAILDIR', 'a.sources.r.filegroups = f', 'a.sources.r.filegroups.f = /var/log/app.log', 'a.sources.r.channels = c', 'a.channels.c.type = memory', 'a.sinks.k.type = org.apache.flume.sink.kafka.KafkaSink', ...sink].join('\n');
    // The cause (k reads channel c9) is named, not the keys of the source it left without a path.
    expect(() => importFlumeConfig(agent(['a.sinks.k.kafka.topic = t', 'a.sinks.k.channel = c9']))).toThrow(/no source left\): .*a\.sinks\.k\.channel: channel c9 was not converted/);
    const typos = importFlumeConfig(agent(['a.sinks.k.kafka.topik = t', 'a.sinks.k.kafka.flumeBatchSize = 50', 'a.sinks.k.channel = c']));
    expect(Object.fromEntries(typos.unconverted.map((u) => [u.key, u.reason]))).toEqual({
      'a.sinks.k.kafka.topik': 'not an option kcollect converts for sink k (did you mean kafka.topic?)',
      'a.sinks.k.kafka.flumeBatchSize': 'not an option kcollect converts for sink k (did you mean flumeBatchSize?)',
    });
  });
});

describe('importFlumeConfig: network sources', () => {
  const agent = (lines: string[]) => ['n.channels = c', 'n.sinks = k', 'n.channels.c.type = memory', 'n.sinks.k.type = logger', 'n.sinks.k.channel = c', ...lines].join('\n');

  it('netcat, syslogtcp, syslogudp and http with their Flume options', () => {
    const result = importFlumeConfig(
      agent([
        'n.sources = nc st su web',
        'n.sources.nc.type = netcat',
        'n.sources.nc.bind = 0.0.0.0',
        'n.sources.nc.port = 44444',
        'n.sources.nc.ack-every-event = true',
        'n.sources.nc.max-line-length = 1024',
        'n.sources.nc.channels = c',
        'n.sources.st.type = syslogtcp',
        'n.sources.st.host = 10.0.0.1',
        'n.sources.st.port = 5140',
        'n.sources.st.eventSize = 8192',
        'n.sources.st.keepFields = all',
        'n.sources.st.clientIPHeader = clientIP',
        'n.sources.st.clientHostnameHeader = clientHost',
        'n.sources.st.channels = c',
        'n.sources.su.type = org.apache.flume.source.SyslogUDPSource',
        'n.sources.su.host = 127.0.0.1',
        'n.sources.su.port = 5141',
        'n.sources.su.keepFields = hostname timestamp',
        'n.sources.su.channels = c',
        'n.sources.web.type = http',
        'n.sources.web.port = 8080',
        'n.sources.web.handler = org.apache.flume.source.http.JSONHandler',
        'n.sources.web.channels = c',
      ]),
    );
    const config = agentConfigSchema.parse(result.config);
    expect(result.config.sources).toEqual({
      nc: {type: 'netcat', bind: '0.0.0.0', port: 44444, ack: true, maxLineLength: 1024, channels: ['c']},
      st: {type: 'syslogtcp', bind: '10.0.0.1', port: 5140, eventSize: 8192, keepFields: true, clientIPHeader: 'clientIP', channels: ['c']},
      su: {type: 'syslogudp', bind: '127.0.0.1', port: 5141, channels: ['c']},
      web: {type: 'http', port: 8080, channels: ['c']},
    });
    expect(config.sources.web).toMatchObject({bind: '127.0.0.1', maxBodyBytes: 1024 * 1024});
    expect(Object.fromEntries(result.unconverted.map((u) => [u.key, u.reason]))).toEqual({
      'n.sources.st.clientHostnameHeader': expect.stringMatching(/does not look up senders' host names/),
      'n.sources.su.keepFields': expect.stringMatching(/"hostname timestamp": kcollect keeps all header fields in the body \(keepFields: true\) or none/),
    });
    const notes = (key: string) => result.notes.filter((n) => n.key === key).map((n) => n.note).join(' | ');
    expect(notes('n.sources.st.host')).toBe('becomes bind: 10.0.0.1');
    expect(notes('n.sources.web.type')).toMatch(/Flume listens on 0\.0\.0\.0.*kcollect listens on 127\.0\.0\.1 only.*\| answers 200 only once the events are safe/);
    expect(notes('n.sources.nc.type')).toMatch(/answered FAILED like Flume, but the connection stays open/);
  });

  it('multiport_syslogtcp: one syslogtcp source per port, portHeader as a static header on each', () => {
    const result = importFlumeConfig(
      agent([
        'n.sources = mp',
        'n.sources.mp.type = multiport_syslogtcp',
        'n.sources.mp.host = 0.0.0.0',
        'n.sources.mp.ports = 10001 10002',
        'n.sources.mp.portHeader = port',
        'n.sources.mp.charset.default = UTF-8',
        'n.sources.mp.charset.port.10002 = ISO-8859-1',
        'n.sources.mp.batchSize = 500',
        'n.sources.mp.channels = c',
      ]),
    );
    agentConfigSchema.parse(result.config);
    expect(result.config.sources).toEqual({
      mp_10001: {type: 'syslogtcp', port: 10001, bind: '0.0.0.0', channels: ['c'], batchSize: 500, interceptors: [{type: 'static', key: 'port', value: '10001', preserveExisting: false}]},
      mp_10002: {type: 'syslogtcp', port: 10002, bind: '0.0.0.0', channels: ['c'], batchSize: 500, interceptors: [{type: 'static', key: 'port', value: '10002', preserveExisting: false}]},
    });
    expect(keysOf(result.unconverted)).toEqual(['n.sources.mp.charset.port.10002']);
    expect(result.notes.find((n) => n.key === 'n.sources.mp.ports')?.note).toMatch(/one source per port \(mp_10001, mp_10002\)/);
  });

  it('an http handler other than JSONHandler, TLS, a netcat without port: listed as not converted', () => {
    const result = importFlumeConfig(
      agent([
        'n.sources = blob tls nc ok',
        'n.sources.blob.type = http',
        'n.sources.blob.port = 8081',
        'n.sources.blob.handler = org.apache.flume.sink.solr.morphline.BlobHandler',
        'n.sources.blob.handler.maxBlobLength = 100',
        'n.sources.blob.channels = c',
        'n.sources.tls.type = syslogtcp',
        'n.sources.tls.host = 127.0.0.1',
        'n.sources.tls.port = 6514',
        'n.sources.tls.ssl = true',
        'n.sources.tls.keystore = /etc/ks.jks',
        'n.sources.tls.channels = c',
        'n.sources.nc.type = netcat',
        'n.sources.nc.bind = 127.0.0.1',
        'n.sources.nc.channels = c',
        'n.sources.ok.type = netcatudp',
        'n.sources.ok.port = 1',
        'n.sources.ok.channels = c',
      ]),
    );
    expect(Object.keys(result.config.sources)).toEqual(['tls']);
    const reasons = Object.fromEntries(result.unconverted.map((u) => [u.key, u.reason]));
    expect(reasons).toMatchObject({
      'n.sources.blob.handler': expect.stringMatching(/BlobHandler: kcollect's http source reads Flume's JSONHandler format only/),
      'n.sources.blob.handler.maxBlobLength': 'belongs to sources.blob, which is not converted',
      'n.sources.tls.ssl': expect.stringMatching(/plain TCP\/HTTP; put a TLS terminator/),
      'n.sources.tls.keystore': expect.stringMatching(/plain TCP\/HTTP/),
      'n.sources.nc.type': 'a netcat source needs port',
      'n.sources.ok.type': expect.stringMatching(/no netcat UDP source/),
    });
  });
});

describe('kcollect agent import', () => {
  it('prints YAML that `agent run` accepts, with the unconverted keys in its header and on stderr', async () => {
    const r = await runCli(['agent', 'import', path.join(FIXTURES, 'SmartCar_Agent.conf')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# Converted by `kcollect agent import` from agent SmartCar_Agent/);
    expect(r.stdout).toMatch(/^# NOT CONVERTED.*\n#   SmartCar_Agent\.sources\.SmartCarInfo_SpoolSource\.interceptors\.collectDayInterceptor\.type: a custom Java interceptor class/m);
    const config = parseAgentConfig(r.stdout, 'out.yaml');
    expect(config.sinks.DriverCarInfo_KafkaSink).toMatchObject({topic: 'SmartCar-Topic', acks: '1'});
    expect(config.sources.SmartCarInfo_SpoolSource.interceptors.map((i) => i.type)).toEqual(['timestamp', 'static', 'regex_filter']);
    expect(parseYamlText(r.stdout).sources.SmartCarInfo_SpoolSource.interceptors[2].regex).toBe('^\\d{14}');
    expect(r.stderr).toMatch(/^kcollect: converted agent SmartCar_Agent; 1 key not converted:\n {2}SmartCar_Agent\.sources\.SmartCarInfo_SpoolSource\.interceptors\.collectDayInterceptor\.type: /);
  });

  it('--out writes the file (valid for `topology validate`); --json returns the result', async () => {
    const dir = tempDir('flume-import');
    const out = path.join(dir, 'a1.yaml');
    const r = await runCli(['agent', 'import', path.join(FIXTURES, 'taildir-hbase.conf'), '--agent', 'a1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/into .*a1\.yaml; 6 keys not converted/);
    const validated = await runCliJson(['topology', 'validate', out]);
    expect(validated).toMatchObject({valid: true, kind: 'agent'});

    const json = await runCliJson(['agent', 'import', path.join(FIXTURES, 'SmartCar_Agent-3.1.conf')]);
    expect(json).toMatchObject({agent: 'SmartCar_Agent', unconverted: [], config: {sinks: {SmartCarInfo_LoggerSink: {type: 'logger'}}}});
    expect(agentConfigSchema.safeParse(json.config).success).toBe(true);
  });

  it('several agents and no --agent: a user error naming them', async () => {
    expectUserError(await runCli(['agent', 'import', path.join(FIXTURES, 'taildir-hbase.conf')]), 'defines 2 agents: a1, a2', '--agent a1');
  });
});
