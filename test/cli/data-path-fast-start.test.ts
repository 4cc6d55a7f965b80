/**
 * tail-produce, spool-produce and consume start from a bundle without oclif's routing (bin/run.js).
 * Each argument list here runs both ways (KCOLLECT_OCLIF_ROUTING=1 forces oclif's execute()) and
 * must give the same exit code and output: the same flags, environment variables, -X properties,
 * --command-config files, messages and records.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {kcollect, runCli, type CliResult} from '../helpers/cli.js';

async function bothWays(args: string[], env: Record<string, string> = {}): Promise<[CliResult, CliResult]> {
  const fast = await runCli(args, {env});
  const oclif = await runCli(args, {env: {...env, KCOLLECT_OCLIF_ROUTING: '1'}});
  return [fast, oclif];
}

const same = (r: CliResult) => ({code: r.code, stdout: r.stdout, stderr: r.stderr});

describe('data-path commands started from their bundle', () => {
  const dir = tempDir('fast-start');
  const missing = path.join(dir, 'missing.properties');
  const wrong: Array<[string[], Record<string, string>?]> = [
    [['tail-produce', 'a.log', '--topc', 'x']],
    [['tail-produce', 'a.log']],
    [['tail-produce', 'a.log', '-t', 'x', '--acks', '2']],
    [['tail-produce', 'a.log', '-t', 'x'], {KCOLLECT_ACKS: '2'}],
    [['tail-produce', 'a.log', '-t', 'x', '--from-end', '--from-beginning']],
    [['tail-produce', 'a.log', '-t', 'x', '--poll-interval', 'often', '-b', '127.0.0.1:1']],
    [['tail-produce', 'a.log', '-t', 'x', '-X', 'no.such.property=1', '-b', '127.0.0.1:1']],
    [['tail-produce', 'a.log', '-t', 'x', '--command-config', missing, '-b', '127.0.0.1:1']],
    [['spool-produce', '--topic', 'x']],
    [['spool-produce', dir, '--topic', 'x', '--batch-size', 'many']],
    [['spool-produce', dir, '--topic', 'x'], {KCOLLECT_BATCH_SIZE: 'many'}],
    [['consume']],
    [['consume', 't', '--to', 'nowhere']],
    [['consume', 't', '-X', 'fetch.max.bytes=lots', '-b', '127.0.0.1:1']],
    [['consume', 't', '--from', 'yesterday-ish', '-b', '127.0.0.1:1']],
  ];

  it.each(wrong)('%j %j: the same exit and messages both ways', async (args, env) => {
    const [fast, oclif] = await bothWays(args, env);
    expect(fast.code, fast.stderr).not.toBe(0);
    expect(same(fast)).toEqual(same(oclif));
  });

  it('--help is oclif\'s on both ways', async () => {
    const [fast, oclif] = await bothWays(['consume', '--help']);
    expect(fast.code).toBe(0);
    expect(fast.stdout).toContain('USAGE');
    expect(same(fast)).toEqual(same(oclif));
  });

  describe('against a broker', () => {
    let broker: Broker;
    let bootstrap: string;
    beforeAll(async () => {
      ({broker, bootstrap} = await startBroker());
      const r = await kcollect(bootstrap, ['produce', 'fast-start'], {input: 'one\ntwo\nthree\n'});
      expect(r.code, r.stderr).toBe(0);
    });
    afterAll(async () => broker.close());

    it('consume reads the same records with the brokers from a flag or the environment, a --command-config file and -X', async () => {
      const config = path.join(dir, 'client.properties');
      fs.writeFileSync(config, 'client.id=from-a-file\n');
      const runs: Array<[string[], Record<string, string>?]> = [
        [['consume', 'fast-start', '--from', 'beginning', '--exit', '-b', bootstrap]],
        [['consume', 'fast-start', '--from', 'beginning', '--exit'], {KCOLLECT_BROKERS: bootstrap}],
        [['consume', 'fast-start', '--from', 'beginning', '--exit', '-b', bootstrap, '--command-config', config]],
        [['consume', 'fast-start', '--from', 'beginning', '--exit', '-b', bootstrap, '-X', 'client.id=fast-start', '--format', '%o %s']],
      ];
      for (const [args, env] of runs) {
        const [fast, oclif] = await bothWays(args, env);
        expect(fast.code, fast.stderr).toBe(0);
        expect(fast.stdout).toMatch(/one.*two.*three/s);
        expect(same(fast)).toEqual(same(oclif));
      }
    });
  });
});
