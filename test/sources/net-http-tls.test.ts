/** The http source over HTTPS: the same JSON events, senders checked against the source's CA. */
import fs from 'node:fs';
import https from 'node:https';
import {beforeAll, describe, expect, it} from 'vitest';
import {httpSourceSchema, createNetSource} from '../../src/sources/net/config.js';
import type {HttpSource} from '../../src/sources/net/http-source.js';
import {tempDir} from '../helpers/broker.js';
import {haveOpenssl, makeCerts, type TestCerts} from '../helpers/certs.js';
import {start, stoppedAfterEach} from './net-helpers.js';

const context = stoppedAfterEach();

/** POSTs `body` over https; the status and body, or the error the client saw. */
function post(port: number, body: string, options: https.RequestOptions): Promise<{status: number; text: string}> {
  return new Promise((resolve, reject) => {
    const req = https.request({host: '127.0.0.1', port, servername: 'localhost', method: 'POST', path: '/', headers: {'Content-Type': 'application/json'}, agent: false, ...options}, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({status: res.statusCode!, text}));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.runIf(haveOpenssl())('the http source over HTTPS', () => {
  let certs: TestCerts;
  const pem = (file: string) => fs.readFileSync(file, 'utf8');

  beforeAll(async () => {
    certs = await makeCerts(tempDir('http-tls'));
  });

  it('takes events from a sender with a certificate of its CA; refuses a stranger, a sender without one and plain http, and keeps serving', async () => {
    const ctx = context();
    const config = httpSourceSchema.parse({type: 'http', port: 0, tls: {cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, clientAuth: 'required'}});
    const {port} = await start(createNetSource('web', config) as HttpSource, ctx);
    expect(ctx.logs.join('\n')).toMatch(/HTTPS, JSON events/);
    const alice = {ca: pem(certs.ca), cert: pem(certs.clientCert), key: pem(certs.clientKey)};

    expect(await post(port, JSON.stringify([{headers: {a: '1'}, body: 'first'}]), alice)).toMatchObject({status: 200});
    await expect(post(port, JSON.stringify([{body: 'stranger'}]), {ca: pem(certs.ca), cert: pem(certs.strangerCert), key: pem(certs.strangerKey)})).rejects.toThrow();
    await expect(post(port, JSON.stringify([{body: 'nobody'}]), {ca: pem(certs.ca)})).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${port}/`, {method: 'POST', body: JSON.stringify([{body: 'in clear'}])})).rejects.toThrow();
    // The sender does not trust a server its CA did not sign.
    await expect(post(port, '[]', {ca: pem(certs.otherCa), cert: pem(certs.clientCert), key: pem(certs.clientKey)})).rejects.toThrow(/self-signed|unable to verify|certificate/i);
    expect(await post(port, JSON.stringify([{body: 'second'}]), alice)).toMatchObject({status: 200});

    expect(ctx.events.map((e) => e.body.toString())).toEqual(['first', 'second']);
    expect(ctx.counts.get('ConnectionRefusedCount')).toBeGreaterThanOrEqual(3);
    expect(ctx.logs.filter((l) => /^TLS handshake from \S+ refused: /.test(l)).length).toBeGreaterThanOrEqual(3);
  });

  it('basicAuth: a sender without the user and password gets 401 and nothing of it goes in; the password is never logged', async () => {
    const ctx = context();
    const password = 'http-source-secret';
    const config = httpSourceSchema.parse({type: 'http', port: 0, tls: {cert: certs.serverCert, key: certs.serverKey}, basicAuth: {username: 'shipper', password}});
    const {port} = await start(createNetSource('web', config) as HttpSource, ctx);
    const trust = {ca: pem(certs.ca)};
    const basic = (user: string, pass: string) => ({Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`, 'Content-Type': 'application/json'});

    const none = await post(port, JSON.stringify([{body: 'anonymous'}]), trust);
    expect(none.status).toBe(401);
    expect((await post(port, JSON.stringify([{body: 'wrong'}]), {...trust, headers: basic('shipper', 'guess')})).status).toBe(401);
    expect(await post(port, JSON.stringify([{body: 'right'}]), {...trust, headers: basic('shipper', password)})).toMatchObject({status: 200});
    expect(ctx.events.map((e) => e.body.toString())).toEqual(['right']);
    expect(ctx.counts.get('RequestUnauthorizedCount')).toBe(2);
    expect(ctx.logs.join('\n')).not.toContain(password);
  });
});
