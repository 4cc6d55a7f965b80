import {describe, expect, it} from 'vitest';
import {makeEvent} from '../../src/pipeline/event.js';
import {CellSetWriter} from '../../src/hbase/cellset-writer.js';
import {encodeCellSet} from '../../src/hbase/wire.js';
import {BOOK_COLUMNS, BOOK_ROW_KEY, RowMappingError, compileRowMapping} from '../../src/sinks/hbase-rows.js';

const kafka = {topic: 'SmartCar-Topic', partition: 2, offset: 41, timestamp: 1_700_000_000_123, key: Buffer.from('B0002')};

describe('HBase row mapping', () => {
  const toRow = compileRowMapping({family: 'cf1', columns: BOOK_COLUMNS, rowKey: BOOK_ROW_KEY});

  it("reproduces the book's SplitBolt: reversed time + '-' + car, eight cf1 cells, the record's time as version", () => {
    const row = toRow({...makeEvent('20160101000002,B0002,3,0,F,N,45,C07'), kafka});
    expect(row.key.toString()).toBe('20000010106102-B0002');
    expect(row.cells.map((c) => [c.column, c.value.toString(), c.timestamp])).toEqual([
      ['cf1:date', '20160101000002', kafka.timestamp],
      ['cf1:car_number', 'B0002', kafka.timestamp],
      ['cf1:speed_pedal', '3', kafka.timestamp],
      ['cf1:break_pedal', '0', kafka.timestamp],
      ['cf1:steer_angle', 'F', kafka.timestamp],
      ['cf1:direct_light', 'N', kafka.timestamp],
      ['cf1:speed', '45', kafka.timestamp],
      ['cf1:area_number', 'C07', kafka.timestamp],
    ]);
  });

  it('refuses a record with the wrong field count, and one with no record time', () => {
    expect(() => toRow({...makeEvent('20160101000002,B0002'), kafka})).toThrow(RowMappingError);
    expect(() => toRow(makeEvent('2016010100000x,B0002,3,0,F,N,45,C07'))).toThrow(/no record time/);
  });

  it('outside Kafka, takes the version from the record\'s own date (the book\'s hour 24 is the next midnight)', () => {
    expect(toRow(makeEvent('20160101000002,B0002,3,0,F,N,45,C07')).cells[0].timestamp).toBe(Date.UTC(2016, 0, 1, 0, 0, 2));
    expect(toRow(makeEvent('20160101240000,B0002,3,0,F,N,45,C07')).cells[0].timestamp).toBe(Date.UTC(2016, 0, 2, 0, 0, 0));
    expect(toRow(makeEvent('20160101000002,B0002,3,0,F,N,45,C07', {timestamp: '5'})).cells[0].timestamp).toBe(5);
  });

  it('takes Kafka positions in templates and rejects tokens that name nothing', () => {
    const byOffset = compileRowMapping({family: 'f', columns: ['a', 'b'], rowKey: '{b}#{partition}-{offset}'});
    expect(byOffset({...makeEvent('x,y'), kafka}).key.toString()).toBe('y#2-41');
    // An empty key part would put every such record into one row: refused (dead-lettered) instead.
    expect(() => byOffset({...makeEvent('x,'), kafka})).toThrow(/row key's field b is empty/);
    const byKey = compileRowMapping({family: 'f', columns: ['a'], rowKey: '{key}-{a}'});
    expect(() => byKey({...makeEvent('x'), kafka: {...kafka, key: null}})).toThrow(/names the Kafka key, but the record has none/);
    expect(() => compileRowMapping({family: 'f', columns: ['a'], rowKey: '{nope}'})).toThrow(/names no column/);
    expect(() => compileRowMapping({family: 'f', columns: ['a'], rowKey: 'fixed'})).toThrow(/uses no field/);
    expect(() => compileRowMapping({family: 'f', columns: ['a'], rowKey: '{a}', delimiter: ''})).toThrow(/delimiter is empty/);
  });

  it('splits at a delimiter of several characters, keeping empty fields and the bytes as they are', () => {
    const toPipes = compileRowMapping({family: 'f', columns: ['a', 'b', 'c'], rowKey: '{a}', delimiter: '||'});
    const row = toPipes({...makeEvent(Buffer.concat([Buffer.from('k1||||'), Buffer.from([0xe9, 0xff])])), kafka});
    expect(row.key.toString()).toBe('k1');
    expect(row.cells.map((c) => c.value)).toEqual([Buffer.from('k1'), Buffer.alloc(0), Buffer.from([0xe9, 0xff])]);
    // A one-byte delimiter, with empty first and last fields.
    const toCommas = compileRowMapping({family: 'f', columns: ['a', 'b', 'c'], rowKey: '{b}'});
    expect(toCommas({...makeEvent(',k,'), kafka}).cells.map((c) => c.value.toString())).toEqual(['', 'k', '']);
  });

  it('reverses a field by character, keeping characters outside the BMP whole', () => {
    const reversed = compileRowMapping({family: 'f', columns: ['a', 'b'], rowKey: '{a:reverse}-{b}'});
    expect(reversed({...makeEvent('ab😀é,x'), kafka}).key.toString()).toBe('é😀ba-x');
    expect(reversed({...makeEvent('20160101000002,x'), kafka}).key.toString()).toBe('20000010106102-x');
  });

  it('writes the same CellSet straight from the record bytes as from its cells', () => {
    const toRow = compileRowMapping({family: 'cf1', columns: BOOK_COLUMNS, rowKey: BOOK_ROW_KEY});
    const bodies = ['20160101000002,B0002,3,0,F,N,45,C07', Buffer.concat([Buffer.from('20160101000003,'), Buffer.from([0, 0xff, 0x80]), Buffer.from(',,0,L,,,')])];
    const writer = new CellSetWriter(8);
    for (const body of bodies) expect(toRow.encode({...makeEvent(body), kafka}, () => writer)).toEqual(toRow({...makeEvent(body), kafka}).key);
    expect(() => toRow.encode({...makeEvent('1,2'), kafka}, () => writer)).toThrow(RowMappingError);
    const written = JSON.parse(Buffer.concat(writer.body(0, writer.length)).toString());
    expect(written).toEqual(encodeCellSet(bodies.map((b) => toRow({...makeEvent(b), kafka}))));
  });
});
