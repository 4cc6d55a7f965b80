import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runDrivingSimulator} from '../../src/simulate/driving.js';
import {writeStatusFile} from '../../src/simulate/status.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {ROOT, collect, expectUserErrorLine, runCli, spawnCli} from '../helpers/cli.js';
import {header, readTopic} from '../helpers/kafka.js';
import {until} from '../helpers/poll.js';

const AGENTS = path.join(ROOT, 'topology', 'agents');

describe('kcollect agent run (the shipped smart-car agents)', () => {
  it('smartcar-driving: every record line of the drivers\' log reaches SmartCar-Topic once, keyed by car, headers filtered out', async () => {
    const {broker, bootstrap} = await startBroker();
    await broker.createTopic('SmartCar-Topic', 3, {});
    const cwd = tempDir('agent-driving');
    const log = path.join(cwd, 'driver-realtime-log', 'SmartCarDriverInfo.log');
    const sim = await runDrivingSimulator({cars: 5, outFile: log, speed: 'max', date: '20160101', toSecond: 600, seed: 7});
    const agent = spawnCli(['agent', 'run', path.join(AGENTS, 'smartcar-driving.yaml'), '-b', bootstrap], {cwd});
    const done = collect(agent);
    const expected = sim.lines;
    await until(async () => (await readTopic(bootstrap, 'SmartCar-Topic')).length >= expected, 'the agent to deliver the log');
    agent.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    const records = await readTopic(bootstrap, 'SmartCar-Topic');
    const lines = fs.readFileSync(log, 'utf8').split('\n').filter((l) => /^\d{14}/.test(l));
    expect(lines).toHaveLength(expected);
    expect(records.map((rec) => rec.value!.toString()).sort()).toEqual(lines.sort());
    expect(records.every((rec) => rec.key!.toString() === rec.value!.toString().split(',')[1])).toBe(true);
    expect(r.stdout).toMatch(/SOURCE\.DriverCarInfo_TailSource/);
    const status = JSON.parse(fs.readFileSync(path.join(cwd, '.kcollect', 'status', 'smartcar-driving.json'), 'utf8'));
    expect(status.state).toBe('stopped');
    await broker.close();
  });

  it('smartcar-status: a daily status file dropped into the spool directory is sent once with logType and timestamp headers, then deleted', async () => {
    const {broker, bootstrap} = await startBroker();
    await broker.createTopic('SmartCar-Status-Topic', 3, {});
    const cwd = tempDir('agent-status');
    fs.mkdirSync(path.join(cwd, 'car-batch-log'));
    const made = await writeStatusFile({cars: 3, date: '20160101', outDir: path.join(cwd, 'SmartCar'), toSecond: 4000, seed: 3});
    const agent = spawnCli(['agent', 'run', path.join(AGENTS, 'smartcar-status.yaml'), '-b', bootstrap], {cwd});
    const done = collect(agent);
    const dropped = path.join(cwd, 'car-batch-log', path.basename(made.file));
    fs.renameSync(made.file, dropped);
    await until(() => !fs.existsSync(dropped), 'the spool source to ingest and delete the file');
    agent.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    const records = await readTopic(bootstrap, 'SmartCar-Status-Topic');
    expect(records).toHaveLength(made.lines);
    expect(records.every((rec) => header(rec, 'logType') === 'car-batch-log' && Number(header(rec, 'timestamp')) > 0)).toBe(true);
    expect(new Set(records.map((rec) => rec.value!.toString())).size).toBe(made.lines);
    // The logger sink printed a sample of the events (Flume's logger format) on stderr and counted the rest.
    expect(r.stderr).toMatch(/sink SmartCarInfo_LoggerSink: Event: \{ headers:/);
    expect(r.stderr.match(/sink SmartCarInfo_LoggerSink: Event:/g)!.length).toBeLessThan(made.lines / 10);
    expect(r.stderr).toContain(`(${made.lines.toLocaleString('en-US')} in all`);
    await broker.close();
  });

  it('names the bad key of an agent file and how to fix it', async () => {
    const dir = tempDir('agent-bad');
    const write = (name: string, lines: string[]) => {
      fs.writeFileSync(path.join(dir, name), lines.join('\n'));
      return path.join(dir, name);
    };
    const misspelt = write('misspelt.yaml', ['name: a1', 'sources:', '  s1: {type: tail, paths: [x.log], channels: [c1]}', 'channels:', '  c1: {type: memory, capacty: 10}', 'sinks:', '  k1: {type: kafka, channel: c1, topik: t}', '  k2: {type: file_roll, channel: c1, sink.directory: out, sink.rollInterval: 30s}']);
    let r = await runCli(['agent', 'run', misspelt]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kcollect: .*misspelt\.yaml:5: channels\.c1\.capacty: unknown key "capacty" \(did you mean capacity\?\)$/m);
    expect(r.stderr).toMatch(/misspelt\.yaml:7: sinks\.k1\.topic: is missing$/m);
    expect(r.stderr).toMatch(/misspelt\.yaml:7: sinks\.k1\.topik: unknown key "topik" \(did you mean topic\?\)$/m);
    // Flume's names with their prefix.
    expect(r.stderr).toMatch(/misspelt\.yaml:8: sinks\.k2\.sink\.directory: unknown keys "sink\.directory", "sink\.rollInterval" \(did you mean rollInterval for "sink\.rollInterval"\?\)$/m);
    expect(r.stderr).toMatch(/^ {2}hint: remove or rename that key/m);
    const dangling = write('dangling.yaml', ['name: a1', 'sources:', '  s1: {type: tail, paths: [x.log], channels: [c9]}', 'channels:', '  c1: {type: memory}', 'sinks:', '  k1: {type: kafka, channel: c1, topic: t}']);
    r = await runCli(['agent', 'run', dangling]);
    expectUserErrorLine(r, /dangling\.yaml:3: sources\.s1\.channels\[0\]: unknown channel "c9" \(defined channels: c1\)$/);
  });
});
