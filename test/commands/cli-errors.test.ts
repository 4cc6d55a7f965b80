/**
 * A source or an input the user named that cannot be used is a user error: exit 1, one line and a
 * hint, no stack and no "internal error", and the process exits instead of lingering.
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {CLI, cliEnv, collect, expectUserError, kcollect, spawnCli} from '../helpers/cli.js';

let broker: Broker;
let bootstrap: string;
beforeAll(async () => {
  ({broker, bootstrap} = await startBroker());
  expect((await kcollect(bootstrap, ['topic', 'create', 'errors'])).code).toBe(0);
});
afterAll(async () => {
  await broker?.close();
});

describe('user errors of sources and inputs', () => {
  it('produce --file of a directory or a missing file', async () => {
    const dir = tempDir('produce-dir');
    expectUserError(await kcollect(bootstrap, ['produce', 'errors', '--file', dir]), `${dir} is a directory, not a file`, '--file');
    expectUserError(await kcollect(bootstrap, ['produce', 'errors', '--file', path.join(dir, 'none.log')]), 'none.log does not exist', '--file');
  });

  it('produce --file of a file the user may not read', async (ctx) => {
    const dir = tempDir('produce-unreadable');
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'secret.log');
    fs.writeFileSync(file, 'line\n', {mode: 0o600});
    // root reads every file: run the CLI as nobody then (it needs only to read the project).
    const asNobody = process.getuid?.() === 0;
    if (!asNobody) fs.chmodSync(file, 0o000);
    if (asNobody && !canRunAsNobody(CLI)) ctx.skip();
    const child = spawn(process.execPath, [CLI, 'produce', 'errors', '--file', file, '-b', bootstrap], {
      env: cliEnv({HOME: dir}),
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asNobody ? {uid: 65534, gid: 65534} : {}),
    });
    const r = await collect(child, 60_000);
    expectUserError(r, `${file} cannot be read (permission denied)`, '--file');
  });

  it('tail-produce of a directory: says it is one and gives a glob, instead of waiting for it to appear', async () => {
    const cwd = tempDir('tail-dir');
    fs.mkdirSync(path.join(cwd, 'logs'));
    for (const extra of [[], ['--exit']]) {
      const r = await kcollect(bootstrap, ['tail-produce', 'logs', '--topic', 'errors', ...extra], {cwd, timeoutMs: 20_000});
      expect(r.code, r.stderr).toBe(1);
      // The "following" line, then the error and its hint: nothing else, no stack.
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines.slice(-2)).toEqual([
        'kcollect: source tail: logs is a directory, not a file: a tail follows files',
        `  hint: to follow the files in it, give a glob such as 'logs/*.log' (quoted, so that the shell leaves it to kcollect), or 'logs/**/*.log' for files at any depth`,
      ]);
      expect(lines).toHaveLength(3);
    }
  });

  it('spool-produce of a directory that does not exist', async () => {
    const r = await kcollect(bootstrap, ['spool-produce', '/nonexistent-spool-dir', '--topic', 'errors'], {cwd: tempDir('spool-missing')});
    expectUserError(r, 'spool directory /nonexistent-spool-dir does not exist', 'create it');
  });

  it('agent run with a source port already in use exits at once', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const cwd = tempDir('agent-port');
      const file = path.join(cwd, 'agent.yaml');
      fs.writeFileSync(file, `name: clash\nsources:\n  nc:\n    type: netcat\n    port: ${port}\n    channels: [mem]\nchannels:\n  mem: {type: memory}\nsinks:\n  log: {type: logger, channel: mem}\n`);
      const child = spawnCli(['agent', 'run', file, '-b', bootstrap], {cwd});
      const r = await collect(child, 60_000);
      expect(r.code, r.stderr).toBe(1);
      const lines = r.stderr.trimEnd().split('\n');
      // The "running" line, then the error and its hint: nothing else, no stack.
      expect(lines.slice(-2)[0]).toBe(`kcollect: source nc: cannot listen on 127.0.0.1:${port}: the port is in use by another process (EADDRINUSE)`);
      expect(lines.slice(-1)[0]).toMatch(/^ {2}hint: .*another port/);
      expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
    } finally {
      taken.close();
    }
  });
});

/** Whether uid 65534 can start the CLI at all (the project must be readable to it). */
function canRunAsNobody(cli: string): boolean {
  try {
    fs.accessSync(cli, fs.constants.R_OK);
    return fs.statSync(cli).mode & 0o004 ? true : false;
  } catch {
    return false;
  }
}
