import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {clusterDown} from '../../src/services/cluster-service.js';
import {tempDir} from '../helpers/broker.js';
import {collect, runCli, spawnCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {haveOpenssl} from '../helpers/certs.js';
import {requireTool} from '../helpers/system-deps.js';

const haveZk = requireTool('zookeeper', zookeeperInstalled());

interface Report {
  topology: string;
  hbase: string;
  secure: boolean;
  reconciled: boolean;
  pipelines: Array<{pipeline: string; written: number; lost: number; duplicated: number; deadLettered: number; stages: Array<{stage: string; count: number; lost: number; duplicated: number; unexpected: number}>}>;
}

async function demo(topology: string, args = ['--cars', '100', '--duration', '30s'], dir = tempDir('demo')): Promise<Report> {
  try {
    const r = await runCli(['demo', '--topology', topology, ...args, '--dir', dir, '--json'], {timeoutMs: 240_000});
    // The report (on stdout) says which stage lost or doubled what.
    expect(r.code, `${r.stderr}${r.stdout}`).toBe(0);
    return JSON.parse(r.stdout) as Report;
  } finally {
    // A demo killed at the timeout cannot stop its cluster: stop it here, so no broker outlives the test.
    const state = path.join(dir, 'cluster', 'state.json');
    if (fs.existsSync(state)) await clusterDown(false, state);
  }
}

function expectReconciled(report: Report): void {
  expect(report.reconciled).toBe(true);
  for (const p of report.pipelines) {
    expect(p.written, p.pipeline).toBeGreaterThan(0);
    expect([p.lost, p.duplicated, p.deadLettered], p.pipeline).toEqual([0, 0, 0]);
    // Every stage (Kafka, then HBase or the files) holds each written line exactly once.
    for (const s of p.stages) expect([s.stage, s.count, s.lost, s.duplicated, s.unexpected]).toEqual([s.stage, p.written, 0, 0, 0]);
  }
}

describe('kcollect demo: the pilot for 30 s, every line written found once in Kafka and in its sink', () => {
  it('on the embedded single broker', async () => {
    const report = await demo('single-broker');
    expectReconciled(report);
    // 100 drivers, a record per 100 ms for 30 s.
    expect(report.pipelines[0].written).toBe(100 * 300);
  }, 300_000);

  it.skipIf(!haveZk)('on ZooKeeper and three brokers on one node (replication factor 3)', async () => {
    expectReconciled(await demo('multi-broker-single-node'));
  }, 300_000);
});

describe.runIf(haveOpenssl())('kcollect demo --secure', () => {
  it('reconciles with SASL_SSL + SCRAM on the broker and HTTPS + basic auth on the HBase emulator', async () => {
    const dir = tempDir('demo-secure');
    const report = await demo('single-broker', ['--secure', '--cars', '10', '--duration', '15s'], dir);
    expectReconciled(report);
    expect(report.secure).toBe(true);
    expect(report.hbase).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    // The broker kept its SCRAM user as Kafka does; the run's CA is there to inspect.
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(dir, 'broker', 'security-nodes.json'), 'utf8')))).toContain('/config/users/smartcar');
    expect(fs.readFileSync(path.join(dir, 'certs', 'ca.pem'), 'utf8')).toMatch(/BEGIN CERTIFICATE/);
  }, 300_000);
});

describe('kcollect demo interrupted', () => {
  it('Ctrl-C stops the drivers and prints the reconciliation of what was written so far (exit 130)', async () => {
    const child = spawnCli(['demo', '--cars', '10', '--duration', '10m', '--dir', tempDir('demo-int')]);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    await until(() => /drivers writing/.test(out) || child.exitCode !== null, 'the drivers to start');
    await until(() => /drivers wrote \d+ records/.test(out) || child.exitCode !== null, 'a first progress line');
    child.kill('SIGINT');
    const r = await collect(child, 120_000);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toMatch(/interrupted after \d+ s: what was written until then/);
    const written = [...r.stdout.matchAll(/^\S.*->.*\s+written\s+(\d+)/gm)].map((m) => Number(m[1]));
    expect(written).toHaveLength(2);
    expect(written.every((n) => n > 0)).toBe(true);
    expect(r.stdout).toMatch(/RESULT/);
  }, 180_000);
});
