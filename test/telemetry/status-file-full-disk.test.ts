/**
 * Status files on a full disk (through the disk seam): publishing never stops the pipeline, the
 * file stays the last whole document, and it is current again once there is space. 0600 in 0700.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {StatusPublisher, readStatuses} from '../../src/telemetry/status-file.js';
import {tempDir} from '../helpers/broker.js';
import {fillDisk, type FullDisk} from '../helpers/failing-disk.js';

let disk: FullDisk | undefined;
afterEach(() => {
  disk?.restore();
  disk = undefined;
});

describe('status file on a full disk', () => {
  it('keeps the last whole status while full and publishes again once there is space', () => {
    const dir = path.join(tempDir('status-full'), 'status');
    const publisher = new StatusPublisher('agent-1', 'agent', () => [], dir);
    publisher.start(60_000);
    const running = fs.readFileSync(publisher.file, 'utf8');

    disk = fillDisk({allowBytes: 20});
    expect(() => publisher.stop()).not.toThrow();
    expect(fs.readFileSync(publisher.file, 'utf8')).toBe(running);
    expect(readStatuses(dir).map((s) => s.state)).toEqual(['running']);

    disk.free();
    publisher.stop();
    expect(readStatuses(dir).map((s) => s.state)).toEqual(['stopped']);
    expect(fs.readdirSync(dir)).toEqual(['agent-1.json']);
    expect(fs.statSync(publisher.file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  });
});
