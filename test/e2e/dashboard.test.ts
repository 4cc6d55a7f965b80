import type {ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {spawnBroker, tempDir, type BrokerProcess} from '../helpers/broker.js';
import {CLI, cliEnv, runCli, spawnCli} from '../helpers/cli.js';
import {run, runOk} from '../helpers/run.js';
import {hasCommand, requireTool} from '../helpers/system-deps.js';

const haveTmux = requireTool('tmux', hasCommand('tmux'));

/**
 * The dashboard as a person sees it: a real terminal (tmux), a live broker, a tail agent feeding
 * it from a growing log, a drain into the HBase emulator. Keys go in with send-keys, the screen
 * comes back with capture-pane.
 */
describe.skipIf(!haveTmux)('kcollect dashboard in a terminal', () => {
  const cwd = tempDir('dashboard');
  // Our own tmux server, so nothing of the user's is touched.
  const socket = `kcollect-test-${process.pid}`;
  const children: ChildProcess[] = [];
  let broker: BrokerProcess;
  let hbase: ChildProcess;
  let env: NodeJS.ProcessEnv;

  const tmux = (...args: string[]) => runOk('tmux', ['-L', socket, ...args], {env});
  const screen = () => tmux('capture-pane', '-p', '-t', 'dash');

  /** Polls the screen until `check` finds what it wants (returns it); the last screen on failure. */
  async function screenUntil<T>(what: string, check: (text: string) => T | undefined, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    for (;;) {
      text = await screen();
      const found = check(text);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`the dashboard never showed ${what}; the screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  function started(child: ChildProcess, ready: RegExp): Promise<string> {
    children.push(child);
    let out = '';
    return new Promise((resolve, reject) => {
      const onData = (d: Buffer) => {
        out += d;
        const m = ready.exec(out);
        if (m) resolve(m[1] ?? m[0]);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited (${code}) before it was ready:\n${out}`)));
    });
  }

  beforeAll(async () => {
    broker = await spawnBroker(path.join(cwd, 'broker'));
    children.push(broker.proc);
    // A person's terminal: not CI (with CI set, Ink draws only the last frame).
    env = cliEnv({KCOLLECT_BROKERS: broker.bootstrap, CI: undefined});
    const opts = {cwd, env: {KCOLLECT_BROKERS: broker.bootstrap}};
    expect((await runCli(['topic', 'create', 'SmartCar-Topic', '--partitions', '2'], opts)).code).toBe(0);
    const hbaseUrl = await started((hbase = spawnCli(['hbase', 'serve', '--port', '0', '--data-dir', path.join(cwd, 'hbase')], opts)), /ready on (http:\/\/\S+)/);
    // Five cars writing a driving-log line every 100 ms each, the tail agent sending them, the drain writing them to HBase.
    await started(spawnCli(['simulate', 'driving', '--cars', '5', '--out', 'drive.log'], opts), /./);
    await started(spawnCli(['tail-produce', 'drive.log', '--topic', 'SmartCar-Topic'], opts), /following/);
    children.push(
      spawnCli(['consume', 'SmartCar-Topic', '--group', 'hbase-loader', '--to', 'hbase', '--hbase-url', hbaseUrl, '--create-table', '--retry-backoff', '500ms', '--retry-max', '1s'], opts),
    );
    await tmux('new-session', '-d', '-s', 'dash', '-x', '160', '-y', '45', `cd '${cwd}' && exec '${process.execPath}' '${CLI}' dashboard --refresh 500ms`);
  }, 90_000);

  afterAll(async () => {
    await run('tmux', ['-L', socket, 'kill-server'], {env});
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  const TAIL = 'tail-produce-[0-9a-f]+';
  const topicLine = (text: string) => /SmartCar-Topic\s+2\s+([\d.]+k?)\/s\s+[▁-█ ]*?\s(\d+)\s+\d+/u.exec(text);
  const pipelineLine = (text: string, name: string) => new RegExp(`${name}\\s+(agent|drain)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)`).exec(text);

  it('shows the agent and the drain with moving rates, then the drain parked once HBase is killed; q quits', async () => {
    // Both publish status files in the directory they run in; the dashboard reads them there.
    // An unnamed tail-produce run is named after a hash of its file and topic.
    await screenUntil('both pipelines', (t) => (pipelineLine(t, TAIL) && pipelineLine(t, 'drain-hbase-loader') ? true : undefined));
    expect(fs.readdirSync(path.join(cwd, '.kcollect', 'status')).filter((f) => new RegExp(`^${TAIL}\\.json$`).test(f))).toHaveLength(1);
    expect(fs.existsSync(path.join(cwd, '.kcollect', 'status', 'drain-hbase-loader.json'))).toBe(true);

    // Rates: the tail agent takes lines in and sends them out, the topic's end offsets grow, the drain writes.
    const agent = await screenUntil('the agent moving events', (t) => {
      const m = pipelineLine(t, TAIL);
      return m && m[2] === 'running' && parseFloat(m[3]!) > 0 && parseFloat(m[4]!) > 0 ? m : undefined;
    });
    expect(agent[1]).toBe('agent');
    const first = await screenUntil('the topic growing', (t) => {
      const m = topicLine(t);
      return m && parseFloat(m[1]!) > 0 ? Number(m[2]) : undefined;
    });
    await screenUntil('the end offsets move on', (t) => {
      const m = topicLine(t);
      return m && Number(m[2]) > first ? true : undefined;
    });
    await screenUntil('the drain writing', (t) => {
      const m = pipelineLine(t, 'drain-hbase-loader');
      return m && m[2] === 'running' && parseFloat(m[4]!) > 0 ? true : undefined;
    });

    // The sink dies: the drain parks (between probes it may say retrying), with a backlog.
    hbase.kill('SIGKILL');
    const parked = await screenUntil('the drain parked', (t) => (/drain-hbase-loader\s+drain\s+parked/.test(t) ? t : undefined));
    expect(parked).toMatch(/hbase-loader:(parked|retrying) backlog \d+/);

    // Drill into the group: lag per partition.
    await tmux('send-keys', '-t', 'dash', 'Tab');
    await tmux('send-keys', '-t', 'dash', 'Enter');
    const group = await screenUntil('the group', (t) => (/GROUP hbase-loader/.test(t) ? t : undefined));
    expect(group).toMatch(/SmartCar-Topic\s+0\s+\d+\s+\d+\s+\d+/);
    expect(group).toMatch(/SmartCar-Topic\s+1\s+\d+\s+\d+\s+\d+/);

    await tmux('send-keys', '-t', 'dash', 'q');
    const deadline = Date.now() + 10_000;
    while ((await run('tmux', ['-L', socket, 'has-session', '-t', 'dash'], {env})).code === 0) {
      if (Date.now() > deadline) throw new Error(`q did not quit; the screen:\n${await screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);
});
