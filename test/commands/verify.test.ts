import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {startBroker, tempDir} from '../helpers/broker.js';
import {kcollect} from '../helpers/cli.js';

describe('kcollect verify', () => {
  it('reconciles a log file against its topic, and names what was lost and what was doubled', async () => {
    const {broker, bootstrap} = await startBroker();
    await broker.createTopic('driving', 2, {});
    const dir = tempDir('verify');
    const log = path.join(dir, 'driving.log');
    const lines = ['Driver Status Infomation,CarNum', '20160101000002,B0002,3,0,F,N,45,C07', '20160101000002,K0003,1,0,F,N,20,A01', '20160101000004,B0002,0,1,F,N,35,C02'];
    fs.writeFileSync(log, lines.join('\n') + '\n');
    const produce = (input: string) => kcollect(bootstrap, ['produce', 'driving'], {input});
    expect((await produce(lines.slice(1, 3).join('\n') + '\n')).code).toBe(0);

    let r = await kcollect(bootstrap, ['verify', '--lines', log, '--topic', 'driving', '--json']);
    expect(r.code).toBe(1);
    let result = JSON.parse(r.stdout);
    expect(result).toMatchObject({written: 3, lost: 1, duplicated: 0, deadLettered: 0});
    expect(result.stages).toEqual([{stage: 'Kafka', count: 2, lost: 1, duplicated: 0, unexpected: 0}]);

    // The missing line arrives, and one line arrives twice.
    expect((await produce(`${lines[3]}\n${lines[1]}\n`)).code).toBe(0);
    r = await kcollect(bootstrap, ['verify', '--lines', log, '--topic', 'driving']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/NOT reconciled/);
    result = JSON.parse((await kcollect(bootstrap, ['verify', '--lines', log, '--topic', 'driving', '--json'])).stdout);
    expect(result).toMatchObject({written: 3, lost: 0, duplicated: 1});
    await broker.close();
  });
});
