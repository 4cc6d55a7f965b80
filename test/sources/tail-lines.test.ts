import {describe, expect, it} from 'vitest';
import {allLinesAccepted, rejectReason} from '../../src/sources/classify.js';
import {segmentRegExp} from '../../src/sources/tail/glob.js';
import {Line} from '../../src/lib/line.js';
import {LineSplitter} from '../../src/sources/line-splitter.js';
import {MultilineGrouper} from '../../src/sources/tail/multiline.js';

// Owned chunks (the file readers') come out as views into them, the others as copies: the same lines either way.
describe.each([false, true])('LineSplitter, owned chunks: %s', (owned) => {
  const feed = (splitter: LineSplitter, ...chunks: string[]) =>
    chunks.flatMap((c) => splitter.push(Buffer.from(c), owned)).map((l) => ({text: l.body.toString(), offset: l.offset, end: l.end, length: l.length}));

  it('splits on \\n and \\r\\n across chunk boundaries, with file offsets', () => {
    const s = new LineSplitter(100, 10);
    expect(feed(s, 'ab', 'c\r', '\nde\n', '\n', 'f')).toEqual([
      {text: 'abc', offset: 10, end: 15, length: 3},
      {text: 'de', offset: 15, end: 18, length: 2},
      {text: '', offset: 18, end: 19, length: 0},
    ]);
    expect(s.pendingOffset).toBe(19);
    expect(feed(s, 'g\n')).toEqual([{text: 'fg', offset: 19, end: 22, length: 2}]);
  });

  it('keeps a lone \\r inside a line', () => {
    expect(feed(new LineSplitter(100), 'a\rb\n')[0].text).toBe('a\rb');
  });

  it('an over-long line comes out once, cut to the limit, with its real length', () => {
    const s = new LineSplitter(4);
    expect(feed(s, '1234', '5678', '9\r\nok\n')).toEqual([
      {text: '1234', offset: 0, end: 11, length: 9},
      {text: 'ok', offset: 11, end: 14, length: 2},
    ]);
    // Exactly at the limit with \r\n is not over it.
    expect(feed(new LineSplitter(4), '1234\r\n')).toEqual([{text: '1234', offset: 0, end: 6, length: 4}]);
  });

  it('flushPending hands out a last line without newline', () => {
    const s = new LineSplitter(100);
    feed(s, 'a\nlast');
    expect(s.flushPending()).toMatchObject({offset: 2, end: 6, length: 4});
    expect(s.hasPending).toBe(false);
  });

  it('a line within one chunk is a view of that chunk only when the chunk is owned', () => {
    const chunk = Buffer.from('a\nbc\r\n');
    const lines = new LineSplitter(100).push(chunk, owned);
    expect(lines.map((l) => l.body.toString())).toEqual(['a', 'bc']);
    chunk.fill(0x78);
    expect(lines.map((l) => l.body.toString())).toEqual(owned ? ['x', 'xx'] : ['a', 'bc']);
  });
});

describe('MultilineGrouper', () => {
  const line = (text: string, offset: number) => new Line(offset, offset + text.length + 1, text.length, Buffer.from(text), 0, text.length);

  it('caps a group that never sees another start line', () => {
    const g = new MultilineGrouper(/^START/, 10);
    expect(g.add(line('START abc', 0), 0)).toBeNull();
    expect(g.add(line('more more more', 10), 0)).toBeNull();
    const group = g.flush()!;
    expect(group.body.toString()).toBe('START abc\n');
    expect(group).toMatchObject({offset: 0, end: 25, length: 24});
  });

  it('lines before the first start line form their own group', () => {
    const g = new MultilineGrouper(/^S/, 100);
    g.add(line('orphan', 0), 0);
    expect(g.add(line('S1', 7), 0)!.body.toString()).toBe('orphan');
  });
});

describe('rejectReason', () => {
  it('accepts text with tabs, rejects control bytes and invalid UTF-8', () => {
    expect(rejectReason(Buffer.from('a\tb ü €'))).toBeUndefined();
    expect(rejectReason(Buffer.from([0x61, 0x00]))).toBe('binary data');
    expect(rejectReason(Buffer.from('\x1b[31mred'))).toBe('binary data');
    expect(rejectReason(Buffer.from([0x61, 0xc3]))).toBe('invalid UTF-8');
  });

  it('checks only the range it is given of a larger buffer', () => {
    const bytes = Buffer.concat([Buffer.from([0x00, 0xc3]), Buffer.from('ok ü'), Buffer.from([0xc3, 0x1b])]);
    expect(rejectReason(bytes, 2, bytes.length - 2)).toBeUndefined();
    expect(rejectReason(bytes, 2, bytes.length - 1)).toBe('invalid UTF-8');
    expect(rejectReason(bytes, 1, 4)).toBe('invalid UTF-8');
    expect(rejectReason(bytes, 0, 3)).toBe('binary data');
    expect(rejectReason(bytes, 2, bytes.length)).toBe('binary data');
  });
});

describe('allLinesAccepted', () => {
  // Whole lines, LF or CRLF ended: true exactly when no line has a rejectReason.
  const cases: Array<[string, Buffer]> = [
    ['text, tabs, CRLF and UTF-8', Buffer.from('a\tb ü €\r\nsecond\n\nlast €\n')],
    ['a NUL in the second line', Buffer.from('ok\na\u0000b\n')],
    ['an escape sequence', Buffer.from('ok\n\x1b[31mred\n')],
    ['DEL', Buffer.from('ok\nx\x7f\n')],
    ['a CR inside a line', Buffer.from('a\rb\n')],
    ['a CR before CRLF', Buffer.from('a\r\r\n')],
    ['a cut UTF-8 sequence', Buffer.concat([Buffer.from('ok\na'), Buffer.from([0xc3]), Buffer.from('\n')])],
    ['an overlong encoding', Buffer.concat([Buffer.from([0xc0, 0xaf]), Buffer.from('\n')])],
  ];
  it.each(cases)('%s: agrees with rejectReason line by line', (_, bytes) => {
    const lines = bytes.subarray(0, bytes.length - 1).toString('latin1').split('\n').map((l) => Buffer.from(l.endsWith('\r') ? l.slice(0, -1) : l, 'latin1'));
    expect(allLinesAccepted(bytes)).toBe(lines.every((line) => rejectReason(line) === undefined));
  });
  it('says false for the chunks with a rejected line above', () => {
    expect(cases.map(([, bytes]) => allLinesAccepted(bytes))).toEqual([true, false, false, false, false, false, false, false]);
  });
});

describe('segmentRegExp', () => {
  it('matches like a shell within one segment', () => {
    const re = segmentRegExp('app-[0-9]?.log*');
    expect(['app-12.log', 'app-3x.log.1'].every((n) => re.test(n))).toBe(true);
    expect(['app-x1.log', 'app-1.txt', 'xapp-12.log'].some((n) => re.test(n))).toBe(false);
    expect(segmentRegExp('*.log').test('.hidden.log')).toBe(false);
    expect(segmentRegExp('[!a]*').test('b.log')).toBe(true);
    expect(segmentRegExp('a+b(1).log').test('a+b(1).log')).toBe(true);
  });
});
