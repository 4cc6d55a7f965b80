import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {today} from '../../src/simulate/common.js';
import {writeStatusFile} from '../../src/simulate/status.js';
import SimulateStatus from '../../commands/simulate/status.js';
import {collect, expectUserError, runCli, spawnCli, type CliResult} from '../helpers/cli.js';
import {DRIVING_HEADER_LINE, DRIVING_RECORD, STATUS_HEADER_LINE, STATUS_RECORD} from './formats.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcollect-sim-cli-'));
});
afterAll(() => fs.rmSync(dir, {recursive: true, force: true}));

let n = 0;
const freshDir = () => {
  const d = path.join(dir, `run${++n}`);
  fs.mkdirSync(d);
  return d;
};
const lines = (file: string) => fs.readFileSync(file, 'latin1').replace(/\n$/, '').split('\n');
const json = (r: CliResult) => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('kcollect simulate status', () => {
  it('--json: writes the day file and reports file, lines, headers, bytes, cars', async () => {
    const cwd = freshDir();
    const r = json(await runCli(['simulate', 'status', '--cars', '3', '--date', '20160101', '--out', 'car-batch', '--seed', '5', '--json'], {cwd}));
    const file = path.join(cwd, 'car-batch', 'SmartCarStatusInfo_20160101.txt');
    expect(r).toMatchObject({file, lines: 64_803, headers: 3, cars: 3, date: '20160101', seed: 5});
    expect(r.bytes).toBe(fs.statSync(file).size);
    const all = lines(file);
    expect(all).toHaveLength(64_806);
    expect(all.filter((l) => l === STATUS_HEADER_LINE)).toHaveLength(3);
    expect(all.filter((l) => l !== STATUS_HEADER_LINE && !STATUS_RECORD.test(l))).toEqual([]);
    expect(all.at(-1)).toMatch(/^20160101240000,/);
    // the CLI and the API agree byte for byte on a seed
    const api = await writeStatusFile({cars: 3, date: '20160101', outDir: path.join(cwd, 'api'), seed: 5});
    expect(fs.readFileSync(api.file).equals(fs.readFileSync(file))).toBe(true);
    expect(fs.readdirSync(path.join(cwd, 'car-batch'))).toEqual(['SmartCarStatusInfo_20160101.txt']);
  });

  it('prints a one-line summary; defaults: ./SmartCar, today; every flag has a KCOLLECT_* variable', async () => {
    const cwd = freshDir();
    const before = today();
    const r = await runCli(['simulate', 'status', '--cars', '1'], {cwd});
    const after = today();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote 21,601 records \+ 1 header lines \(1\.0 MB\) for 1 cars to .*SmartCarStatusInfo_\d{8}\.txt in \d+\.\ds \(seed \d+\)\n$/);
    const made = fs.readdirSync(path.join(cwd, 'SmartCar'));
    expect([`SmartCarStatusInfo_${before}.txt`, `SmartCarStatusInfo_${after}.txt`]).toContain(made[0]);

    const viaEnv = json(await runCli(['simulate', 'status', '--json'], {cwd, env: {KCOLLECT_SIM_CARS: '2', KCOLLECT_SIM_DATE: '20161231', KCOLLECT_STATUS_OUT: 'envdir', KCOLLECT_SIM_SEED: '9'}}));
    expect(viaEnv).toMatchObject({cars: 2, date: '20161231', seed: 9, file: path.join(cwd, 'envdir', 'SmartCarStatusInfo_20161231.txt'), lines: 43_202});
  });

  it('rejects a bad date or car count with a message and a hint', async () => {
    const cwd = freshDir();
    expectUserError(await runCli(['simulate', 'status', '--cars', '1', '--date', '2016-01-01'], {cwd}), /^kcollect: invalid --date "2016-01-01"/);
    expectUserError(await runCli(['simulate', 'status', '--cars', '1', '--date', '20160231'], {cwd}), /^kcollect: invalid --date/);
    const zero = await runCli(['simulate', 'status', '--cars', '0'], {cwd});
    expect(zero.code).not.toBe(0);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('--help explains the temporary name and the rename', async () => {
    expect(SimulateStatus.description).toMatch(/hidden temporary name .* renamed when complete/);
    // `--help` is answered by oclif's entry point (bin/run.js)
    const r = await runCli(['simulate', 'status', '--help'], {cwd: freshDir()});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hidden temporary name/);
    expect(r.stdout).toMatch(/KCOLLECT_SIM_CARS/);
  });
});

describe('kcollect simulate driving', () => {
  it('--speed max --json: a whole simulated day per car', async () => {
    const cwd = freshDir();
    const r = json(await runCli(['simulate', 'driving', '--cars', '3', '--speed', 'max', '--date', '20160101', '--seed', '1', '--out', 'drv/SmartCarDriverInfo.log', '--json'], {cwd}));
    const file = path.join(cwd, 'drv', 'SmartCarDriverInfo.log');
    expect(r).toMatchObject({file, lines: 129_603, headers: 3, cars: 3, date: '20160101', seed: 1, speed: 'max', ticks: 43_201, lastSecond: 86_400, stoppedBy: 'end-of-day'});
    expect(r.bytes).toBe(fs.statSync(file).size);
    const all = lines(file);
    expect(all).toHaveLength(129_606);
    expect(all.filter((l) => l === DRIVING_HEADER_LINE)).toHaveLength(3);
    expect(all.filter((l) => l !== DRIVING_HEADER_LINE && !DRIVING_RECORD.test(l))).toEqual([]);
    expect(all.slice(-3).every((l) => l.startsWith('20160101240000,'))).toBe(true);
  });

  it('real time with --duration: ten records per car per second; defaults to the book file; env vars', async () => {
    const cwd = freshDir();
    const r = await runCli(['simulate', 'driving', '--date', '20160101'], {cwd, env: {KCOLLECT_SIM_CARS: '4', KCOLLECT_DRIVING_DURATION: '500ms', KCOLLECT_SIM_SEED: '3'}});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^simulating 4 drivers \(0 wild\), realtime, for 500ms, into .*SmartCarDriverInfo\.log \(seed 3\); Ctrl-C stops\n$/);
    expect(r.stdout).toMatch(/^wrote 20 records \+ 4 header lines \([\d.]+ k?B\) for 4 cars to .*driver-realtime-log\/SmartCarDriverInfo\.log in \d+\.\ds \(seed 3\); stopped by duration at simulated 20160101000008\n$/);
    expect(lines(path.join(cwd, 'driver-realtime-log', 'SmartCarDriverInfo.log'))).toHaveLength(24);
  });

  it('stops on SIGINT after whole lines and reports what it wrote', async () => {
    const cwd = freshDir();
    const file = path.join(cwd, 'live.log');
    const child = spawnCli(['simulate', 'driving', '--cars', '5', '--out', 'live.log', '--date', '20160101', '--json'], {cwd});
    const done = collect(child);
    const deadline = Date.now() + 30_000;
    while (!(fs.existsSync(file) && fs.statSync(file).size > 1000) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    child.kill('SIGINT');
    const r = json(await done);
    expect(r.stoppedBy).toBe('signal');
    expect(r.headers).toBe(5);
    expect(r.lines).toBeGreaterThan(10);
    expect(r.lines % 5).toBe(0);
    const text = fs.readFileSync(file, 'latin1');
    expect(text.endsWith('\n')).toBe(true);
    expect(lines(file)).toHaveLength(r.lines + r.headers);
  });

  it('rejects a bad --speed, --duration or --date', async () => {
    const cwd = freshDir();
    const speed = await runCli(['simulate', 'driving', '--speed', 'fast'], {cwd});
    expect(speed.code).not.toBe(0);
    expect(speed.stderr).toMatch(/realtime, max/);
    expectUserError(await runCli(['simulate', 'driving', '--duration', 'soon'], {cwd}), /^kcollect: invalid --duration "soon"/);
    expectUserError(await runCli(['simulate', 'driving', '--date', '1'], {cwd}), /^kcollect: invalid --date "1"/);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });
});
