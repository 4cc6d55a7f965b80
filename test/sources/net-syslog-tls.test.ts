/**
 * Syslog over TLS (RFC 5425): octet-counted frames on a TLS connection, senders checked against
 * the source's CA. A sender refused at the handshake does not stop the source serving others.
 */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import tls from 'node:tls';
import {beforeAll, describe, expect, it} from 'vitest';
import {SyslogTcpSource} from '../../src/sources/net/syslog-tcp-source.js';
import {sourceTlsOptions, sourceTlsSchema} from '../../src/sources/net/tls-config.js';
import {syslogTcpSourceSchema} from '../../src/sources/net/config.js';
import {tempDir} from '../helpers/broker.js';
import {haveOpenssl, makeCerts, type TestCerts} from '../helpers/certs.js';
import {start, stoppedAfterEach} from './net-helpers.js';
import {eventually} from './spooldir-context.js';

const context = stoppedAfterEach();

/** RFC 5425 framing: MSG-LEN SP SYSLOG-MSG, the length in octets. */
const frame = (message: string) => `${Buffer.byteLength(message)} ${message}`;

/**
 * A TLS sender; settles when the connection closed (rejects with the server's refusal). A sender
 * expecting refusal does not end its side, so the server closes on the certificate, not the FIN.
 */
function send(port: number, options: tls.ConnectionOptions, messages: string[], end = true): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({host: '127.0.0.1', port, servername: 'localhost', ...options}, () => {
      const data = messages.map(frame).join('');
      if (end) socket.end(data);
      else socket.write(data);
    });
    socket.on('error', reject);
    // TLS 1.3: a refused client certificate shows after the handshake, as the server's alert or close.
    socket.on('close', () => resolve());
    socket.resume();
  });
}

describe.runIf(haveOpenssl())('syslog over TLS', () => {
  let certs: TestCerts;
  const pem = (file: string) => fs.readFileSync(file, 'utf8');

  beforeAll(async () => {
    certs = await makeCerts(tempDir('syslog-tls'));
  });

  it('takes octet-counted messages from a sender with a certificate of its CA; refuses an untrusted or missing one and keeps serving', async () => {
    const ctx = context();
    const options = sourceTlsOptions(sourceTlsSchema.parse({cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, clientAuth: 'required'}), 'sources.s.tls');
    const {port} = await start(new SyslogTcpSource({name: 's', port: 0, tls: options}), ctx);
    expect(ctx.logs.join('\n')).toMatch(/syslog over TLS/);
    const trusted = {ca: pem(certs.ca), cert: pem(certs.clientCert), key: pem(certs.clientKey)};

    const lines = Array.from({length: 50}, (_, i) => `<13>1 2026-12-04T07:00:00Z web app - - - message ${i} with\nnewline`);
    await send(port, trusted, lines.slice(0, 25));

    // From another CA, and without a certificate: no event, and the sender sees the refusal.
    const stranger = send(port, {ca: pem(certs.ca), cert: pem(certs.strangerCert), key: pem(certs.strangerKey)}, ['<13>1 - h a - - - from a stranger'], false);
    const anonymous = send(port, {ca: pem(certs.ca)}, ['<13>1 - h a - - - from nobody'], false);
    await Promise.allSettled([stranger, anonymous]);
    await eventually(() => (ctx.counts.get('ConnectionRefusedCount') ?? 0) >= 2, 'both refusals counted');
    const refusals = ctx.logs.filter((l) => l.startsWith('TLS handshake from 127.0.0.1 refused: '));
    expect(refusals.some((l) => /certificate/i.test(l) && !l.includes('\n')), ctx.logs.join('\n')).toBe(true);
    expect(refusals.some((l) => /peer did not return a certificate/.test(l)), ctx.logs.join('\n')).toBe(true);

    await send(port, trusted, lines.slice(25));
    await eventually(() => ctx.events.length >= lines.length, 'every message');
    expect(ctx.events.map((e) => e.body.toString())).toEqual(lines.map((l) => l.split(' - - - ')[1]));
    expect(ctx.events[0].headers).toMatchObject({host: 'web', appName: 'app'});
  });

  it('clientAuth requested: a sender without a certificate is served, one with an untrusted certificate is not', async () => {
    const ctx = context();
    const options = sourceTlsOptions(sourceTlsSchema.parse({cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, clientAuth: 'requested'}), 'sources.s.tls');
    const {port} = await start(new SyslogTcpSource({name: 's', port: 0, tls: options}), ctx);
    await send(port, {ca: pem(certs.ca)}, ['<13>1 - h a - - - anonymous']);
    await send(port, {ca: pem(certs.ca), cert: pem(certs.strangerCert), key: pem(certs.strangerKey)}, ['<13>1 - h a - - - stranger'], false).catch(() => undefined);
    await send(port, {ca: pem(certs.ca), cert: pem(certs.clientCert), key: pem(certs.clientKey)}, ['<13>1 - h a - - - alice']);
    await eventually(() => ctx.events.length >= 2 && (ctx.counts.get('ConnectionRefusedCount') ?? 0) >= 1, 'two messages and one refusal');
    expect(ctx.events.map((e) => e.body.toString())).toEqual(['anonymous', 'alice']);
  });

  it('a plain TCP sender on the TLS port gets nothing in', async () => {
    const ctx = context();
    const {port} = await start(new SyslogTcpSource({name: 's', port: 0, tls: sourceTlsOptions(sourceTlsSchema.parse({cert: certs.serverCert, key: certs.serverKey}), 'sources.s.tls')}), ctx);
    const net = await import('node:net');
    const plain = net.connect(port, '127.0.0.1');
    plain.on('error', () => undefined);
    plain.end(frame('<13>1 - h a - - - in clear'));
    await eventually(() => (ctx.counts.get('ConnectionRefusedCount') ?? 0) >= 1, 'the refusal');
    expect(ctx.events).toHaveLength(0);
  });

  it('an encrypted key opens with tls.keyPassword (here ${env:NAME}); without it, or a wrong one, the error names the key', async () => {
    const encrypted = `${certs.serverKey}.enc`;
    execFileSync('openssl', ['pkey', '-in', certs.serverKey, '-aes256', '-passout', 'pass:s3cret', '-out', encrypted]);
    const tlsBlock = (keyPassword?: string) => sourceTlsSchema.parse({cert: certs.serverCert, key: encrypted, keyPassword});
    expect(() => sourceTlsOptions(tlsBlock(), 'sources.s.tls')).toThrow(/sources\.s\.tls: .* do not make a usable certificate/);
    expect(() => sourceTlsOptions(tlsBlock('wrong'), 'sources.s.tls')).toThrow(expect.objectContaining({message: expect.stringMatching(/do not make a usable certificate/), hint: expect.stringMatching(/an encrypted key needs sources\.s\.tls\.keyPassword/)}));

    process.env.KCOLLECT_TEST_KEY_PASSWORD = 's3cret';
    const ctx = context();
    const options = sourceTlsOptions(tlsBlock('${env:KCOLLECT_TEST_KEY_PASSWORD}'), 'sources.s.tls');
    delete process.env.KCOLLECT_TEST_KEY_PASSWORD;
    const {port} = await start(new SyslogTcpSource({name: 's', port: 0, tls: options}), ctx);
    await send(port, {ca: pem(certs.ca)}, ['<13>1 - h a - - - through an encrypted key']);
    await eventually(() => ctx.events.length >= 1, 'the message');
    expect(ctx.events[0].body.toString()).toBe('through an encrypted key');
  });

  it('agent-file keys: clientAuth without ca, a missing file, an unknown key: errors naming the key', () => {
    const bad = syslogTcpSourceSchema.safeParse({type: 'syslogtcp', port: 6514, tls: {cert: 'c.pem', key: 'k.pem', clientAuth: 'required'}});
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/tls\.clientAuth required or requested needs tls\.ca/);
    expect(syslogTcpSourceSchema.safeParse({type: 'syslogtcp', port: 6514, tls: {cert: 'c.pem', key: 'k.pem', clientAuht: 'none'}}).success).toBe(false);
    expect(() => sourceTlsOptions(sourceTlsSchema.parse({cert: '/nonexistent/server.pem', key: certs.serverKey}), 'sources.syslog.tls')).toThrow(/sources\.syslog\.tls\.cert: cannot read \/nonexistent\/server\.pem/);
  });
});
