import {describe, expect, it} from 'vitest';
import {syslogEvent} from '../../src/sources/net/syslog/event.js';
import {SyslogFramer} from '../../src/sources/net/syslog/framing.js';
import {parseSyslog} from '../../src/sources/net/syslog/parse.js';

const parse = (text: string | Buffer, now?: number) => {
  const m = parseSyslog(typeof text === 'string' ? Buffer.from(text) : text, now);
  return {...m, body: m.body.toString('utf8')};
};

describe('RFC 5424', () => {
  it('reads every header field, the structured data and the message', () => {
    expect(parse('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event')).toEqual({
      format: 'rfc5424',
      facility: 20,
      severity: 5,
      timestamp: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
      hostname: 'mymachine.example.com',
      appName: 'evntslog',
      procId: '1234',
      msgId: 'ID47',
      structuredData: '[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"]',
      body: 'An application event',
    });
  });

  it('NILVALUE fields are left out; no structured data; microseconds and an offset in the timestamp', () => {
    expect(parse('<34>1 2003-08-24T05:14:15.000003-07:00 - su - - - \'su root\' failed')).toEqual({
      format: 'rfc5424',
      facility: 4,
      severity: 2,
      timestamp: Date.UTC(2003, 7, 24, 12, 14, 15),
      appName: 'su',
      body: "'su root' failed",
    });
    const nil = parse('<13>1 - - - - - -');
    expect(nil).toEqual({format: 'rfc5424', facility: 1, severity: 5, timestamp: undefined, body: ''});
  });

  it('several SD elements with escaped quotes and brackets; a message after a BOM loses the BOM', () => {
    const bom = Buffer.concat([Buffer.from('<13>1 2024-02-29T23:59:60Z h app - - [a@1 x="q\\"uote\\]"][b@2 y="é"] '), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('héllo')]);
    const m = parse(bom);
    expect(m.structuredData).toBe('[a@1 x="q\\"uote\\]"][b@2 y="é"]');
    expect(m.body).toBe('héllo');
    expect(m.timestamp).toBe(Date.UTC(2024, 1, 29, 23, 59, 60));
  });

  it('a broken header or structured data makes the message invalid, kept whole, with its priority', () => {
    for (const text of ['<13>1 2024-13-01T00:00:00Z h a - - - bad month', '<13>1 2024-01-01T00:00:00Z h a - - [unclosed x="1" msg', '<13>1 2024-01-01T00:00:00Z h a - - nosd', '<13>1 yesterday h a - - - m']) {
      expect(parse(text)).toEqual({format: 'invalid', facility: 1, severity: 5, body: text});
    }
  });
});

describe('RFC 3164', () => {
  const now = new Date(2024, 5, 15, 12, 0, 0).getTime();

  it('reads timestamp (local time, this year), hostname, and the tag into appName/procId; the body is MSG with its tag', () => {
    expect(parse('<34>Oct 11 22:14:15 mymachine su[230]: \'su root\' failed for lonvick on /dev/pts/8', new Date(2024, 11, 1).getTime())).toEqual({
      format: 'rfc3164',
      facility: 4,
      severity: 2,
      timestamp: new Date(2024, 9, 11, 22, 14, 15).getTime(),
      hostname: 'mymachine',
      appName: 'su',
      procId: '230',
      body: "su[230]: 'su root' failed for lonvick on /dev/pts/8",
    });
  });

  it('a space-padded day; a date ahead of now by more than a month is last year\'s', () => {
    expect(parse('<13>Jun  5 01:02:03 host app: x', now).timestamp).toBe(new Date(2024, 5, 5, 1, 2, 3).getTime());
    expect(parse('<13>Dec 31 23:59:59 host app: x', now).timestamp).toBe(new Date(2023, 11, 31, 23, 59, 59).getTime());
  });

  it('no hostname (the word after the timestamp is a tag); an RFC 3339 timestamp as rsyslog sends', () => {
    const noHost = parse('<13>Jun 15 11:00:00 cron[99]: job done', now);
    expect(noHost).toMatchObject({format: 'rfc3164', appName: 'cron', procId: '99', body: 'cron[99]: job done'});
    expect(noHost).not.toHaveProperty('hostname');
    expect(parse('<14>2024-06-15T10:00:00.5+02:00 web1 nginx: GET /', now)).toMatchObject({format: 'rfc3164', timestamp: Date.UTC(2024, 5, 15, 8, 0, 0, 500), hostname: 'web1', appName: 'nginx', body: 'nginx: GET /'});
  });
});

describe('invalid input', () => {
  it('no priority, a priority over 191, garbage, empty: invalid, kept whole, no facility', () => {
    for (const text of ['hello world', '<192>1 - - - - - - x', '<abc>oops', '', '<13', '\u0000\u0001binary']) {
      expect(parse(text)).toEqual({format: 'invalid', body: text});
    }
  });

  it('a valid priority with an unreadable header: invalid, but with Facility and Severity', () => {
    expect(parse('<11>not a date at all')).toEqual({format: 'invalid', facility: 1, severity: 3, body: '<11>not a date at all'});
  });

  it('random bytes never throw', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({length: rnd() % 80}, rnd));
      if (i % 3 === 0) bytes.write('<13>1 ', 0);
      expect(() => parseSyslog(bytes)).not.toThrow();
    }
  });
});

describe('syslogEvent: Flume headers', () => {
  it('Facility, Severity, host, timestamp, 5424 fields; body without the header fields; keepFields keeps all', () => {
    const message = Buffer.from('<190>1 2024-01-02T03:04:05Z web1 app 42 MSG1 - the text');
    const e = syslogEvent({message, length: message.length}, '10.0.0.9', {clientIPHeader: 'clientIP'});
    expect(e.headers).toEqual({Facility: '23', Severity: '6', host: 'web1', timestamp: String(Date.UTC(2024, 0, 2, 3, 4, 5)), appName: 'app', procId: '42', msgId: 'MSG1', clientIP: '10.0.0.9'});
    expect(e.body.toString()).toBe('the text');
    expect(e.origin).toEqual({host: '10.0.0.9'});
    expect(e.rejected).toBeUndefined();
    expect(syslogEvent({message, length: message.length}, 'x', {keepFields: true}).body).toEqual(message);
  });

  it('invalid: status Invalid, whole message; cut: Incomplete and rejected; binary: rejected', () => {
    const bad = Buffer.from('just text');
    expect(syslogEvent({message: bad, length: bad.length}, 'p')).toMatchObject({headers: {'flume.syslog.status': 'Invalid'}, body: bad});
    expect(syslogEvent({message: bad, length: bad.length}, 'p').rejected).toBeUndefined();
    const cut = syslogEvent({message: Buffer.from('<13>1 - - - - - - abc'), length: 5000}, 'p', {maxBytes: 21});
    expect(cut.headers['flume.syslog.status']).toBe('Incomplete');
    expect(cut.rejected).toMatch(/5000 bytes exceeds eventSize \(21 bytes\)/);
    const binary = Buffer.from('<13>1 - - - - - - a\u0000b');
    expect(syslogEvent({message: binary, length: binary.length}, 'p').rejected).toBe('binary data');
  });
});

describe('SyslogFramer: RFC 6587 framing, detected per message', () => {
  const texts = (framer: SyslogFramer, chunks: Array<string | Buffer>) => chunks.flatMap((c) => framer.push(Buffer.from(c))).map((f) => f.message.toString());

  it('newline-ended (with CR) and octet-counted messages mixed on one stream', () => {
    const stream = '<13>1 - - - - - - one\n12 <13>Jan 1 x\r\n<14>two\r\n\n5 fiveX<15>three\n';
    expect(texts(new SyslogFramer(100), [stream])).toEqual(['<13>1 - - - - - - one', '<13>Jan 1 x\r', '<14>two', 'fiveX', '<15>three']);
  });

  it('the same stream cut into single bytes gives the same messages', () => {
    const stream = '10 <13>abcdef<14>line\r\n3 xyz';
    expect(texts(new SyslogFramer(100), [...stream])).toEqual(['<13>abcdef', '<14>line', 'xyz']);
  });

  it('longer than maxBytes: cut, real length kept, the rest skipped; the next message is intact', () => {
    const framer = new SyslogFramer(8);
    const frames = framer.push(Buffer.from(`20 ${'a'.repeat(20)}${'b'.repeat(30)}\n<13>ok\n`));
    expect(frames.map((f) => [f.message.toString(), f.length])).toEqual([
      ['aaaaaaaa', 20],
      ['bbbbbbbb', 30],
      ['<13>ok', 6],
    ]);
  });

  it('digits that are no count start a newline-ended message; a huge count is not trusted', () => {
    expect(texts(new SyslogFramer(100), ['2024-01-01 started\n', '12345678901234 x\n'])).toEqual(['2024-01-01 started', '12345678901234 x']);
  });

  it('flush: an unterminated last line, or a message cut off by the end of the stream', () => {
    const a = new SyslogFramer(100);
    a.push(Buffer.from('<13>last'));
    expect(a.flush()).toEqual({message: Buffer.from('<13>last'), length: 8});
    const b = new SyslogFramer(100);
    b.push(Buffer.from('50 <13>short'));
    expect(b.flush()).toEqual({message: Buffer.from('<13>short'), length: 50});
    expect(new SyslogFramer(100).flush()).toBeNull();
  });
});
