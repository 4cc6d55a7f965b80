import {execFile} from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import type {Event} from '../../src/pipeline/event.js';
import {SyslogTcpSource} from '../../src/sources/net/syslog-tcp-source.js';
import {SyslogUdpSource} from '../../src/sources/net/syslog-udp-source.js';
import {requireTool} from '../helpers/system-deps.js';
import {connect, start, stoppedAfterEach} from './net-helpers.js';
import {eventually} from './spooldir-context.js';

const LOGGER = '/usr/bin/logger';
const haveLogger = requireTool('logger', fs.existsSync(LOGGER), 'apt-get install -y bsdutils');
const logger = (args: string[]) => promisify(execFile)(LOGGER, args);

const context = stoppedAfterEach();

// logger writes this machine's name (RFC 3164 cuts it at the first dot).
const HOSTNAMES = [os.hostname(), os.hostname().split('.')[0]];

function expectFromLogger(e: Event, facility: number, severity: number): void {
  expect(e.headers.Facility).toBe(String(facility));
  expect(e.headers.Severity).toBe(String(severity));
  expect(HOSTNAMES).toContain(e.headers.host);
  // A timestamp the message carried: today's, not a parse that went wrong by hours or years.
  expect(Math.abs(Number(e.headers.timestamp) - Date.now())).toBeLessThan(10 * 60_000);
  expect(e.headers['flume.syslog.status']).toBeUndefined();
  expect(e.rejected).toBeUndefined();
  expect(e.origin).toEqual({host: '127.0.0.1'});
}

describe.skipIf(!haveLogger)('syslog sources with the system logger (util-linux)', () => {
  it('TCP: RFC 5424 (with structured data and a message id), RFC 3164, and octet counting', async () => {
    const ctx = context();
    const {port} = await start(new SyslogTcpSource({name: 'tcp', port: 0}), ctx);
    const server = ['--tcp', '--server', '127.0.0.1', '--port', String(port), '-t', 'myapp'];
    await logger([...server, '--rfc5424', '-p', 'local3.warning', '--id=4242', '--msgid', 'MID7', '--sd-id', 'zoo@32473', '--sd-param', 'tiger="hungry"', 'hello 5424']);
    await logger([...server, '--rfc3164', '-p', 'user.err', 'hello 3164']);
    await logger([...server, '--rfc5424', '--octet-count', '-p', 'daemon.info', 'hello octets']);
    await eventually(() => ctx.events.length === 3, 'three messages');
    const [a, b, c] = ctx.events;
    expectFromLogger(a, 19, 4);
    expect(a.headers).toMatchObject({appName: 'myapp', procId: '4242', msgId: 'MID7'});
    expect(a.headers.structuredData).toContain('[zoo@32473 tiger="hungry"]');
    expect(a.body.toString()).toBe('hello 5424');
    expectFromLogger(b, 1, 3);
    expect(b.headers.appName).toBe('myapp');
    expect(b.body.toString()).toBe('myapp: hello 3164'); // RFC 3164's MSG holds its tag, as in Flume
    expectFromLogger(c, 3, 6);
    expect(c.body.toString()).toBe('hello octets');
  });

  it('UDP: RFC 5424 and RFC 3164 datagrams', async () => {
    const ctx = context();
    const {port} = await start(new SyslogUdpSource({name: 'udp', port: 0}), ctx);
    const server = ['--udp', '--server', '127.0.0.1', '--port', String(port), '-t', 'udpapp'];
    await logger([...server, '--rfc5424', '-p', 'mail.notice', 'over udp 5424']);
    await logger([...server, '--rfc3164', '-p', 'local7.debug', 'over udp 3164']);
    await eventually(() => ctx.events.length === 2, 'two datagrams');
    const [a, b] = ctx.events;
    expectFromLogger(a, 2, 5);
    expect(a.headers.appName).toBe('udpapp');
    expect(a.body.toString()).toBe('over udp 5424');
    expectFromLogger(b, 23, 7);
    expect(b.body.toString()).toBe('udpapp: over udp 3164');
  });
});

describe('syslog sources with raw sockets', () => {
  it('TCP: framings mixed on one connection, a message over eventSize, invalid and binary input; nothing dropped', async () => {
    const ctx = context();
    const {port} = await start(new SyslogTcpSource({name: 'tcp', port: 0, eventSize: 64, clientIPHeader: 'client'}), ctx);
    const client = await connect(port);
    const octets = '<13>1 2024-01-01T00:00:00Z h a - - - counted';
    const long = `<13>1 2024-01-01T00:00:00Z h a - - - ${'z'.repeat(200)}`;
    await client.write(`${octets.length} ${octets}<14>1 - h2 b - - - lined\r\n`);
    await client.write(`${long}\nnot syslog at all\n<13>1 - - - - - - \u0000\u0001\n`);
    await client.write(`${long.length} ${long}`);
    await client.write('<15>1 - h3 c - - - last, no newline');
    client.socket.end();
    // The last one comes out when the peer closes its side: it cannot be followed by more.
    await eventually(() => ctx.events.length >= 7, 'seven messages');
    expect(ctx.events.length).toBe(7);
    const [a, b, cut, invalid, binary, cutCounted, last] = ctx.events;
    expect(a.body.toString()).toBe('counted');
    expect(a.headers).toMatchObject({Facility: '1', Severity: '5', host: 'h', appName: 'a', client: '127.0.0.1'});
    expect(b.body.toString()).toBe('lined');
    expect(cut.headers['flume.syslog.status']).toBe('Incomplete');
    expect(cut.rejected).toMatch(/exceeds eventSize \(64 bytes\)/);
    expect(invalid).toMatchObject({headers: {'flume.syslog.status': 'Invalid'}});
    expect(invalid.body.toString()).toBe('not syslog at all');
    expect(invalid.rejected).toBeUndefined();
    expect(binary.rejected).toBe('binary data');
    expect(cutCounted.headers['flume.syslog.status']).toBe('Incomplete');
    expect(last.body.toString()).toBe('last, no newline');
  });

  it('UDP: garbage datagrams become Invalid (or rejected) events, never a crash; stop ends run()', async () => {
    const ctx = context();
    const source = new SyslogUdpSource({name: 'udp', port: 0, keepFields: true});
    const {port, stopped} = await start(source, ctx);
    const socket = dgram.createSocket('udp4');
    const send = (data: string | Buffer) => new Promise<void>((resolve, reject) => socket.send(data, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    await send('plain words\n');
    await send(Buffer.from([0xff, 0x00, 0xfe, 0x3c]));
    await send('<13>1 - - - - - - kept whole\n');
    await eventually(() => ctx.events.length === 3, 'three datagrams');
    socket.close();
    expect(ctx.events[0]).toMatchObject({headers: {'flume.syslog.status': 'Invalid'}});
    expect(ctx.events[0].body.toString()).toBe('plain words');
    expect(ctx.events[1].rejected).toBe('binary data');
    expect(ctx.events[2].body.toString()).toBe('<13>1 - - - - - - kept whole'); // keepFields
    ctx.stop();
    await stopped;
  });
});
