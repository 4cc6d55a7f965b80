/**
 * What the dashboard and `status` say of pipelines that no longer run: stopped or dead (the
 * process is gone), never a sink "ok" about now, and left out once they have been over a while.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {pipelineOf} from '../../src/telemetry/pipeline-info.js';
import {FINISHED_SHOWN_MS, readStatuses, type StatusDocument} from '../../src/telemetry/status-file.js';
import {tempDir} from '../helpers/broker.js';

const DEAD_PID = 2 ** 22 + 12345; // above pid_max's default: no such process

function write(dir: string, doc: Partial<StatusDocument> & {name: string}, updatedAt: number): void {
  const full: StatusDocument = {kind: 'drain', pid: process.pid, startedAt: new Date(updatedAt).toISOString(), updatedAt: new Date(updatedAt).toISOString(), state: 'running', components: [], ...doc};
  fs.writeFileSync(path.join(dir, `${doc.name}.json`), JSON.stringify(full));
}

describe('finished pipelines', () => {
  it('a crashed drain is dead, its sink too, and its fetched records are its events in', () => {
    const now = Date.now();
    const dir = tempDir('finished');
    write(dir, {name: 'crashed', pid: DEAD_PID, components: [{kind: 'DRAIN', name: 'loader', type: 'hbase', state: 'ok', counters: {EventReceivedCount: 7, EventDrainSuccessCount: 5}}]}, now);
    const [info] = readStatuses(dir, now).map(pipelineOf);
    expect(info).toMatchObject({name: 'crashed', state: 'dead', eventsIn: 7, eventsOut: 5});
    expect(info.sinks.map((s) => s.state)).toEqual(['dead']);
  });

  it('are left out once over for a while; running ones stay however old their start', () => {
    const now = Date.now();
    const dir = tempDir('finished-old');
    write(dir, {name: 'stopped-long-ago', state: 'stopped'}, now - FINISHED_SHOWN_MS - 1000);
    write(dir, {name: 'dead-long-ago', pid: DEAD_PID}, now - FINISHED_SHOWN_MS - 1000);
    write(dir, {name: 'stopped-just-now', state: 'stopped'}, now - 1000);
    write(dir, {name: 'running', state: 'running'}, now - FINISHED_SHOWN_MS - 1000);
    expect(readStatuses(dir, now).map((s) => s.name)).toEqual(['running', 'stopped-just-now']);
  });
});
