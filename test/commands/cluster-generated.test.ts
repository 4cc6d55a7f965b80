/**
 * `cluster up --broker-count N`: the quick cluster without a topology file, on ports the user
 * chooses (a broker of their own on 9092 must not stop them).
 */
import {afterAll, describe, expect, it} from 'vitest';
import {freePort} from '../../src/lib/ports.js';
import {tempDir} from '../helpers/broker.js';
import {expectUserError, runCli, runCliJson} from '../helpers/cli.js';

describe('cluster up --broker-count', () => {
  const cwd = tempDir('cluster-generated');
  afterAll(async () => {
    await runCli(['cluster', 'down', '--purge'], {cwd, timeoutMs: 60_000});
  });

  it('--port puts the brokers where the user says; produce and consume go through them', async () => {
    const port = await freePort();
    const up = await runCliJson(['cluster', 'up', '--broker-count', '1', '--port', String(port), '--detach'], {cwd, timeoutMs: 120_000});
    expect(up.brokers).toBe(`127.0.0.1:${port}`);
    // Later commands find the cluster through the profile, without -b.
    const sent = await runCli(['produce', 'quick'], {cwd, input: 'one\ntwo\n'});
    expect(sent.code, sent.stderr).toBe(0);
    const read = await runCli(['consume', 'quick', '--exit', '-b', `127.0.0.1:${port}`], {cwd});
    expect(read.stdout).toBe('one\ntwo\n');
  }, 120_000);

  it('refuses --port with a topology file, which names its own ports', async () => {
    expectUserError(await runCli(['cluster', 'up', 'single-broker', '--port', '19092'], {cwd: tempDir('cluster-generated-file')}), '--port and --zookeeper-port go with --broker-count', '--broker-count');
  });
});
