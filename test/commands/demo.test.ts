import {describe, expect, it} from 'vitest';
import {tempDir} from '../helpers/broker.js';
import {runCli} from '../helpers/cli.js';

describe('kcollect demo', () => {
  it('runs the pilot end to end and reconciles: nothing lost, nothing doubled', async () => {
    const r = await runCli(['demo', '--cars', '5', '--duration', '2s', '--dir', tempDir('demo'), '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    // 5 drivers, one record per 100 ms each for 2 s, one header line each.
    expect(report).toMatchObject({cars: 5, written: 100, filtered: 5, acknowledged: 100, inKafka: 100, consumed: 100, lost: 0, duplicated: 0, reconciled: true});
  }, 60_000);
});
