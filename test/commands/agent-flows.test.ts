import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {fileSinkLines, hbaseLines, readLogLines} from '../../src/services/reconcile.js';
import {BOOK_COLUMNS} from '../../src/sinks/hbase-rows.js';
import {runDrivingSimulator} from '../../src/simulate/driving.js';
import {ROOT, startBroker, tempDir} from '../helpers/broker.js';
import {topicValues} from '../helpers/kafka.js';
import {writeStatusFile} from '../../src/simulate/status.js';
import {collect, spawnCli} from '../helpers/cli.js';
import {spawnServe} from '../hbase/serve-process.js';
import {until} from '../helpers/poll.js';

describe('agent flows', () => {
  it('failover: driving records go to HBase, to the file sink while HBase is killed, and nothing is lost or doubled', async () => {
    const cwd = tempDir('agent-failover');
    const hbaseDir = path.join(cwd, 'hbase');
    let hbase = await spawnServe(hbaseDir);
    const agentFile = path.join(cwd, 'failover.yaml');
    fs.writeFileSync(
      agentFile,
      `name: failover
sources:
  driving:
    type: tail
    paths: [driving.log]
    interceptors: [{type: regex_filter, regex: '^\\d{14}'}]
    channels: [c1]
channels:
  c1: {type: memory}
sinks:
  hbase: {type: hbase, channel: c1, url: '${hbase.url}', table: DriverCarInfo, columnFamily: cf1, createTable: true, batchSize: 100}
  files: {type: file_roll, channel: c1, path: out, rollCount: 200, batchSize: 100}
sinkGroups:
  g1: {processor: failover, sinks: [hbase, files], priority: {hbase: 10, files: 5}, maxPenalty: 60s}
`,
    );
    const log = path.join(cwd, 'driving.log');
    await runDrivingSimulator({cars: 10, outFile: log, speed: 'max', date: '20160101', toSecond: 400, seed: 1});
    const agent = spawnCli(['agent', 'run', agentFile], {cwd});
    const done = collect(agent);
    const phase1 = readLogLines([log], /^\d{14}/).length;
    await until(async () => (await hbaseLines(hbase.url, 'DriverCarInfo', 'cf1', BOOK_COLUMNS)).length >= phase1, 'HBase to hold the first records');

    hbase.proc.kill('SIGKILL');
    await hbase.exited;
    await runDrivingSimulator({cars: 10, outFile: log, speed: 'max', date: '20160102', toSecond: 400, seed: 2});
    const written = readLogLines([log], /^\d{14}/);
    // The file sink closes a file every 200 records; the rest is closed when the agent stops.
    await until(() => fileSinkLines(path.join(cwd, 'out')).length >= Math.floor((written.length - phase1) / 200) * 200, 'the file sink to take over');
    agent.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/sink group g1: hbase failed/);

    hbase = await spawnServe(hbaseDir);
    const inHBase = await hbaseLines(hbase.url, 'DriverCarInfo', 'cf1', BOOK_COLUMNS);
    const inFiles = fileSinkLines(path.join(cwd, 'out'));
    hbase.proc.kill('SIGTERM');
    await hbase.exited;
    expect(inHBase.length).toBeGreaterThanOrEqual(phase1);
    expect(inFiles.length).toBeGreaterThan(0);
    expect([...inHBase, ...inFiles].sort()).toEqual(written.sort());
  });

  it('type 2 (topology/agents/flume-type2-routing.yaml): turning cars routed to files, the rest to Kafka, status files on their own chain', async () => {
    const {broker, bootstrap} = await startBroker();
    await broker.createTopic('SmartCar-Topic', 3, {});
    await broker.createTopic('SmartCar-Status-Topic', 3, {});
    const cwd = tempDir('agent-type2');
    const log = path.join(cwd, 'driver-realtime-log', 'SmartCarDriverInfo.log');
    await runDrivingSimulator({cars: 10, outFile: log, speed: 'max', date: '20160101', toSecond: 300, seed: 5});
    fs.mkdirSync(path.join(cwd, 'car-batch-log'));
    const status = await writeStatusFile({cars: 2, date: '20160101', outDir: path.join(cwd, 'car-batch-log'), toSecond: 400, seed: 5});
    const statusLines = readLogLines([status.file], /^\d{14}/);
    const driving = readLogLines([log], /^\d{14}/);
    const turning = driving.filter((l) => /^(?:[^,]*,){5}[LR],/.test(l));
    expect(turning.length).toBeGreaterThan(0);
    const agent = spawnCli(['agent', 'run', path.join(ROOT, 'topology/agents/flume-type2-routing.yaml'), '-b', bootstrap], {cwd});
    const done = collect(agent);
    await until(async () => (await topicValues(bootstrap, 'SmartCar-Topic')).length >= driving.length - turning.length && (await topicValues(bootstrap, 'SmartCar-Status-Topic')).length >= statusLines.length, 'both chains to deliver');
    agent.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect((await topicValues(bootstrap, 'SmartCar-Topic')).sort()).toEqual(driving.filter((l) => !turning.includes(l)).sort());
    expect(fileSinkLines(path.join(cwd, 'collect', 'turning')).sort()).toEqual(turning.sort());
    expect((await topicValues(bootstrap, 'SmartCar-Status-Topic')).sort()).toEqual(statusLines.sort());
    await broker.close();
  });
});
