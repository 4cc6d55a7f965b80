/**
 * `broker start` skips oclif only for arguments it can read plainly; anything else (help, an
 * unknown flag, a bad number) goes to oclif, which explains it. Both paths read the same flags.
 */
import {describe, expect, it} from 'vitest';
import {parseBrokerStartArgs} from '../../src/cli/broker-start-fast.js';
import {runCli} from '../helpers/cli.js';

describe('broker start without oclif', () => {
  it('reads flags in both spellings, numbers, and the environment under the flags', () => {
    const env = {KCOLLECT_DATA_DIR: '/from/env', KCOLLECT_BROKER_ID: '3', KCOLLECT_NUM_PARTITIONS: '2'};
    expect(parseBrokerStartArgs(['--listen', '127.0.0.1:0', '--id=7', '--auto-create-topics', 'false'], env)).toEqual({
      listen: '127.0.0.1:0',
      id: 7,
      'auto-create-topics': 'false',
      'data-dir': '/from/env',
      'num-partitions': 2,
    });
  });

  it('leaves to oclif what it cannot vouch for', () => {
    for (const argv of [['--help'], ['-h'], ['--nope', 'x'], ['--id', 'abc'], ['--id', '-1'], ['--auto-create-topics', 'maybe'], ['--offsets-topic-num-partitions', '1001'], ['extra']]) {
      expect(parseBrokerStartArgs(argv, {}), argv.join(' ')).toBeUndefined();
    }
  });

  it("oclif still answers help and wrong arguments", async () => {
    const help = await runCli(['broker', 'start', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--queued-max-request-bytes/);
    const wrong = await runCli(['broker', 'start', '--id', 'abc']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/id/);
  });
});
