import http from 'node:http';
import {describe, expect, it} from 'vitest';
import {HttpSource} from '../../src/sources/net/http-source.js';
import {connect, gate, start, stoppedAfterEach} from './net-helpers.js';
import {eventually} from './spooldir-context.js';

const context = stoppedAfterEach();

async function post(port: number, body: string, init: RequestInit = {}): Promise<{status: number; json: {accepted?: number; error?: string}; headers: Headers}> {
  const res = await fetch(`http://127.0.0.1:${port}/`, {method: 'POST', body, headers: {'Content-Type': 'application/json'}, ...init});
  return {status: res.status, json: (await res.json()) as {accepted?: number; error?: string}, headers: res.headers};
}

/** A request sent by hand, for bodies fetch would not send as we want (chunked, oversized). */
function rawRequest(port: number, headers: Record<string, string | number>, body: Buffer | Buffer[]): Promise<{status: number; text: string}> {
  return new Promise((resolve, reject) => {
    const req = http.request({host: '127.0.0.1', port, method: 'POST', path: '/', headers}, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({status: res.statusCode!, text}));
    });
    req.on('error', reject);
    for (const part of Array.isArray(body) ? body : [body]) req.write(part);
    req.end();
  });
}

describe('http source (Flume JSONHandler)', () => {
  it('a JSON array of events arrives with its headers and bodies; 200 says how many', async () => {
    const ctx = context();
    const {port} = await start(new HttpSource({name: 'http', port: 0}), ctx);
    const r = await post(port, JSON.stringify([{headers: {a: '1', host: 'web1'}, body: 'first event'}, {body: 'second, héllo'}, {headers: {only: 'headers'}}]));
    expect(r).toMatchObject({status: 200, json: {accepted: 3}});
    expect(ctx.bodies()).toEqual(['first event', 'second, héllo', '']);
    expect(ctx.events.map((e) => e.headers)).toEqual([{a: '1', host: 'web1'}, {}, {only: 'headers'}]);
    expect(ctx.events[0].origin).toEqual({host: '127.0.0.1'});
    expect(ctx.deliveries).toBe(1); // one request, one put
    expect(await post(port, '[]')).toMatchObject({status: 200, json: {accepted: 0}});
  });

  it('200 only after deliver() resolved', async () => {
    const held = gate();
    let safe = false;
    const ctx = context({
      onDeliver: async () => {
        await held.wait;
        safe = true;
      },
    });
    const {port} = await start(new HttpSource({name: 'http', port: 0}), ctx);
    let safeWhenAnswered: boolean | undefined;
    const answered = post(port, '[{"body": "x"}]').then((r) => {
      safeWhenAnswered = safe;
      return r;
    });
    await eventually(() => ctx.deliveries === 1, 'the events to be handed to the channel');
    await new Promise((r) => setTimeout(r, 200));
    expect(safeWhenAnswered).toBeUndefined(); // not answered while the channel holds them back
    held.open();
    expect((await answered).status).toBe(200);
    expect(safeWhenAnswered).toBe(true);
  });

  it('malformed JSON, a wrong shape, bad UTF-8: 400 with the reason, and nothing delivered', async () => {
    const ctx = context();
    const {port} = await start(new HttpSource({name: 'http', port: 0}), ctx);
    const cases: Array<[string | Buffer, RegExp]> = [
      ['[{"body": "a"}', /^malformed JSON: /],
      ['{"headers": {}, "body": "not in an array"}', /^the body: .*expected a JSON array/],
      ['[{"body": "ok"}, {"body": 42}]', /^\[1\]\.body: .*expected a JSON array of \{"headers"/],
      ['[{"headers": {"n": 1}, "body": "x"}]', /^\[0\]\.headers\.n: /],
      ['[{"header": {"typo": "x"}, "body": "x"}]', /^\[0\]: .*header/],
      [Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]), /not valid UTF-8/],
    ];
    for (const [body, reason] of cases) {
      const r = await post(port, body as string);
      expect(r.status, String(body)).toBe(400);
      expect(r.json.error).toMatch(reason);
    }
    expect(ctx.deliveries).toBe(0);
    expect(ctx.events).toEqual([]);
  });

  it('over maxBodyBytes: 413, declared or chunked; GET: 405; a charset other than UTF-8: 415', async () => {
    const ctx = context();
    const {port} = await start(new HttpSource({name: 'http', port: 0, maxBodyBytes: 1024}), ctx);
    const big = Buffer.from(JSON.stringify([{body: 'x'.repeat(4000)}]));
    const declared = await rawRequest(port, {'Content-Type': 'application/json', 'Content-Length': big.length}, big);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text).error).toMatch(/exceeds maxBodyBytes \(1024 bytes\)/);
    const chunked = await rawRequest(port, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'}, [big.subarray(0, 800), big.subarray(800)]);
    expect(chunked.status).toBe(413);
    const get = await fetch(`http://127.0.0.1:${port}/`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const latin1 = await post(port, '[]', {headers: {'Content-Type': 'application/json; charset=ISO-8859-1'}});
    expect(latin1.status).toBe(415);
    expect(ctx.deliveries).toBe(0);
    // Still serving.
    expect((await post(port, '[{"body": "small"}]')).status).toBe(200);
  });

  it('503 when the channel refuses the events; garbage that is not HTTP gets 400; stop ends run()', async () => {
    const ctx = context({
      onDeliver: () => {
        throw new Error('channel mem is closed');
      },
    });
    const {port, stopped} = await start(new HttpSource({name: 'http', port: 0}), ctx);
    const refused = await post(port, '[{"body": "x"}]');
    expect(refused.status).toBe(503);
    expect(refused.json.error).toMatch(/could not put the events into its channels .*channel mem is closed/);
    expect(refused.headers.get('retry-after')).toBe('5');
    const garbage = await connect(port);
    await garbage.write(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]));
    await garbage.closed;
    expect(garbage.received).toMatch(/^HTTP\/1\.1 400 /);
    ctx.stop();
    await stopped;
  });
});
