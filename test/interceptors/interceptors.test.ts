import os from 'node:os';
import {describe, expect, it} from 'vitest';
import {createInterceptor, createInterceptors} from '../../src/interceptors/index.js';
import {applyInterceptors} from '../../src/pipeline/interceptor.js';
import {makeEvent, type Event} from '../../src/pipeline/event.js';
import {UserError} from '../../src/lib/errors.js';

const STATUS = '20160101000004,K0001,87,84,70,98,1,1,1,1,A,A,99';
const HEADER = 'SmartCar Status Information,CarNum,TireFL,TireFR,TireBL,TireBR,LightFL,LightFR,LightBL,LightBR,EngineInfo,BreakInfo,BatteryInfo';

function one(config: Parameters<typeof createInterceptor>[0], event: Event): Event | null {
  return createInterceptor(config).intercept(event);
}

describe('timestamp', () => {
  it('sets epoch ms under "timestamp", overwriting by default', () => {
    const before = Date.now();
    const e = one({type: 'timestamp'}, makeEvent(STATUS, {timestamp: '1'}))!;
    expect(Number(e.headers.timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(e.headers.timestamp)).toBeLessThanOrEqual(Date.now());
  });

  it('keeps an existing value with preserveExisting, under headerName', () => {
    expect(one({type: 'timestamp', headerName: 'ts', preserveExisting: true}, makeEvent(STATUS, {ts: '42'}))!.headers).toEqual({ts: '42'});
    expect(one({type: 'timestamp', headerName: 'ts', preserveExisting: true}, makeEvent(STATUS))!.headers.ts).toMatch(/^\d{13}$/);
  });
});

describe('host', () => {
  it('uses an IP address by default (Flume useIP=true)', () => {
    const value = one({type: 'host'}, makeEvent(STATUS))!.headers.host;
    const addresses = Object.values(os.networkInterfaces()).flatMap((l) => l ?? []).map((a) => a.address);
    expect([...addresses, '127.0.0.1']).toContain(value);
  });

  it('uses the host name with useIP=false, under hostHeader, and honours preserveExisting', () => {
    expect(one({type: 'host', useIP: false, hostHeader: 'agent'}, makeEvent(STATUS))!.headers).toEqual({agent: os.hostname()});
    expect(one({type: 'host', preserveExisting: true}, makeEvent(STATUS, {host: 'edge-1'}))!.headers.host).toBe('edge-1');
    expect(one({type: 'host', useIP: false}, makeEvent(STATUS, {host: 'edge-1'}))!.headers.host).toBe(os.hostname());
  });
});

describe('static', () => {
  it('adds one header, keeping an existing value by default (Flume preserveExisting=true)', () => {
    expect(one({type: 'static', key: 'logType', value: 'car-batch-log'}, makeEvent(STATUS))!.headers).toEqual({logType: 'car-batch-log'});
    expect(one({type: 'static', key: 'logType', value: 'car-batch-log'}, makeEvent(STATUS, {logType: 'x'}))!.headers).toEqual({logType: 'x'});
    expect(one({type: 'static', key: 'logType', value: 'car-batch-log', preserveExisting: false}, makeEvent(STATUS, {logType: 'x'}))!.headers).toEqual({logType: 'car-batch-log'});
  });
});

describe('uuid', () => {
  it('gives each event its own id under "id", with a prefix', () => {
    const uuid = createInterceptor({type: 'uuid', prefix: 'car-'});
    const a = uuid.intercept(makeEvent(STATUS))!.headers.id;
    const b = uuid.intercept(makeEvent(STATUS))!.headers.id;
    expect(a).toMatch(/^car-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });

  it('keeps an id from an earlier hop by default, replaces it with preserveExisting=false', () => {
    expect(one({type: 'uuid'}, makeEvent(STATUS, {id: 'first-hop'}))!.headers.id).toBe('first-hop');
    expect(one({type: 'uuid', headerName: 'eventId', preserveExisting: false}, makeEvent(STATUS, {eventId: 'first-hop'}))!.headers.eventId).not.toBe('first-hop');
  });
});

describe('regex_filter', () => {
  it('keeps only matching events (the book drops the header lines with ^\\d{14})', () => {
    const filter = [createInterceptor({type: 'regex_filter', regex: '^\\d{14}'})];
    const out = applyInterceptors(filter, [makeEvent(HEADER), makeEvent(STATUS), makeEvent('garbage')]);
    expect(out.map((e) => e.body.toString())).toEqual([STATUS]);
  });

  it('drops matching events with excludeEvents, matches anywhere in the body, and keeps all by default', () => {
    const out = applyInterceptors([createInterceptor({type: 'regex_filter', regex: 'Information', excludeEvents: true})], [makeEvent(HEADER), makeEvent(STATUS)]);
    expect(out.map((e) => e.body.toString())).toEqual([STATUS]);
    expect(one({type: 'regex_filter'}, makeEvent(''))).not.toBeNull();
  });

  it('takes a Java inline flag such as (?i)', () => {
    expect(one({type: 'regex_filter', regex: '(?i)smartcar status'}, makeEvent(HEADER))).not.toBeNull();
  });
});

describe('regex_extractor', () => {
  it('puts the first match groups into headers, one serializer per group in order', () => {
    const e = one({type: 'regex_extractor', regex: '^(\\d{14}),([A-Z]\\d{4}),(\\d+)', serializers: [{name: 'ts'}, {name: 'car', type: 'default'}]}, makeEvent(STATUS))!;
    // Only two serializers: the third group is ignored, as in Flume.
    expect(e.headers).toEqual({ts: '20160101000004', car: 'K0001'});
  });

  it('turns a date into epoch ms with the millis serializer (local time, like Joda), hour 24 being the next midnight', () => {
    const extract = createInterceptor({type: 'regex_extractor', regex: '^(\\d{14})', serializers: [{name: 'timestamp', type: 'millis', pattern: 'yyyyMMddHHmmss'}]});
    expect(extract.intercept(makeEvent(STATUS))!.headers.timestamp).toBe(String(new Date(2016, 0, 1, 0, 0, 4).getTime()));
    expect(extract.intercept(makeEvent('20160101240000,K0001'))!.headers.timestamp).toBe(String(new Date(2016, 0, 2).getTime()));
    // Not a real time: no header rather than a wrong one.
    expect(extract.intercept(makeEvent('20160231120000,K0001'))!.headers).toEqual({});
    const dashed = createInterceptor({type: 'regex_extractor', regex: 'at (.+)$', serializers: [{name: 't', type: 'millis', pattern: "yyyy-MM-dd'T'HH:mm:ss.SSS"}]});
    expect(dashed.intercept(makeEvent('seen at 2016-01-01T10:20:30.250'))!.headers.t).toBe(String(new Date(2016, 0, 1, 10, 20, 30, 250).getTime()));
  });

  it('leaves an event that does not match as it was, and skips a group that took no part', () => {
    const config = {type: 'regex_extractor' as const, regex: '^(\\d{14})(?:,(X\\d+))?', serializers: [{name: 'ts'}, {name: 'x'}]};
    expect(one(config, makeEvent(HEADER))!.headers).toEqual({});
    expect(one(config, makeEvent(STATUS))!.headers).toEqual({ts: '20160101000004'});
  });
});

describe('search_replace', () => {
  it('replaces every match, with Java $1 group references', () => {
    const e = one({type: 'search_replace', searchPattern: '(\\d{4})(\\d{2})(\\d{2})(\\d{6})', replaceString: '$1-$2-$3 $4'}, makeEvent(STATUS))!;
    expect(e.body.toString()).toBe('2016-01-01 000004,K0001,87,84,70,98,1,1,1,1,A,A,99');
    expect(one({type: 'search_replace', searchPattern: ',1', replaceString: ';ok'}, makeEvent('a,1,1,2'))!.body.toString()).toBe('a;ok;ok,2');
  });

  it('deletes matches without replaceString, and reads \\$ as a dollar and ${name} as a named group', () => {
    expect(one({type: 'search_replace', searchPattern: '^\\d{14},'}, makeEvent(STATUS))!.body.toString()).toBe('K0001,87,84,70,98,1,1,1,1,A,A,99');
    expect(one({type: 'search_replace', searchPattern: '(?<car>[A-Z]\\d{4})', replaceString: '\\$${car}'}, makeEvent(STATUS))!.body.toString()).toBe('20160101000004,$K0001,87,84,70,98,1,1,1,1,A,A,99');
  });

  it('takes $12 as group 1 then "2" when there is no group 12 (Java rule)', () => {
    expect(one({type: 'search_replace', searchPattern: '(a)', replaceString: '$12'}, makeEvent('xa'))!.body.toString()).toBe('xa2');
  });

  it('refuses a reference to a group that does not exist', () => {
    expect(() => createInterceptor({type: 'search_replace', searchPattern: '(a)', replaceString: '$2'})).toThrow(UserError);
  });
});

it('runs a chain in order, like the book\'s status agent (timestamp, static, regex_filter)', () => {
  const chain = createInterceptors([
    {type: 'timestamp', preserveExisting: true},
    {type: 'static', key: 'logType', value: 'car-batch-log'},
    {type: 'regex_filter', regex: '^\\d{14}', excludeEvents: false},
  ]);
  const out = applyInterceptors(chain, [makeEvent(HEADER), makeEvent(STATUS)]);
  expect(out).toHaveLength(1);
  expect(out[0].headers.logType).toBe('car-batch-log');
  expect(out[0].headers.timestamp).toMatch(/^\d{13}$/);
});

it('a bad regex is a UserError naming the option', () => {
  expect(() => createInterceptor({type: 'regex_filter', regex: '(unclosed'})).toThrow(/regex_filter regex/);
});
