/**
 * The shipped topology and agent files work by name from any directory, `init` copies them to
 * edit, and `cluster up` without --detach stays in the foreground until Ctrl-C, then stops
 * everything it started.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {freePort, portFree} from '../../src/lib/ports.js';
import {tempDir} from '../helpers/broker.js';
import {collect, expectUserError, kcollect, runCli, runCliJson, spawnCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';

describe('shipped files by name, outside the repository', () => {
  const cwd = tempDir('bundled');

  it('topology list shows the shipped topologies and agents; validate takes a name', async () => {
    const {files} = await runCliJson<{files: Array<{kind: string; name: string}>}>(['topology', 'list'], {cwd});
    expect(files).toContainEqual(expect.objectContaining({kind: 'topology', name: 'multi-broker-single-node'}));
    expect(files).toContainEqual(expect.objectContaining({kind: 'agent', name: 'smartcar-driving'}));
    const agent = await runCli(['topology', 'validate', 'smartcar-driving'], {cwd});
    expect(agent.code, agent.stderr).toBe(0);
    expect(agent.stdout).toMatch(/valid agent/);
    const topology = await runCli(['topology', 'validate', 'multi-broker-single-node'], {cwd});
    expect(topology.stdout).toMatch(/valid multi-broker-single-node topology \(3 broker/);
  });

  it('a name that is neither a file nor shipped is a user error listing the shipped names', async () => {
    expectUserError(await runCli(['agent', 'run', 'no-such-agent'], {cwd}), 'no agent file no-such-agent', 'smartcar-driving');
    expectUserError(await runCli(['cluster', 'up', 'no-such-topology'], {cwd}), 'no topology file no-such-topology', 'multi-broker-single-node');
  });

  it('init copies the files to edit and keeps edited ones', async () => {
    const first = await runCliJson<{copied: string[]}>(['init'], {cwd});
    const edited = path.join(cwd, 'topology', 'agents', 'smartcar-driving.yaml');
    expect(first.copied.map((f) => path.resolve(cwd, f))).toContain(edited);
    fs.appendFileSync(edited, '# mine\n');
    const second = await runCliJson<{copied: string[]; kept: string[]}>(['init'], {cwd});
    expect(second.copied).toEqual([]);
    expect(fs.readFileSync(edited, 'utf8')).toMatch(/# mine\n$/);
  });
});

describe('cluster up in the foreground', () => {
  it('stays up, reports the cluster, and stops the broker on Ctrl-C', async () => {
    const cwd = tempDir('cluster-fg');
    const port = await freePort();
    const file = path.join(cwd, 'one.yaml');
    fs.writeFileSync(file, `type: single-broker\nname: one\nbrokers:\n  - {id: 0, host: 127.0.0.1, port: ${port}, dataDir: broker-0}\n`);
    const child = spawnCli(['cluster', 'up', file], {cwd});
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    await until(() => /brokers answering 1\/1/.test(stderr) || child.exitCode !== null, 'the foreground status line');
    expect(child.exitCode, stderr).toBeNull();
    const topics = await kcollect(`127.0.0.1:${port}`, ['topic', 'create', 'fg'], {cwd});
    expect(topics.code, topics.stderr).toBe(0);

    child.kill('SIGINT');
    const r = await collect(child);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/broker 0: stopped/);
    expect(await portFree('127.0.0.1', port)).toBe(true);
  });
});
