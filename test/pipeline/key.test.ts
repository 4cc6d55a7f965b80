import {expect, it} from 'vitest';
import {makeEvent} from '../../src/pipeline/event.js';
import {keyOf} from '../../src/pipeline/key.js';

const STATUS = '20160101000004,K0001,87,84,70,98,1,1,1,1,A,A,99';

it('takes a CSV field, 1-based: field 2 is the car number', () => {
  expect(keyOf(makeEvent(STATUS), {keyField: 2})?.toString()).toBe('K0001');
  expect(keyOf(makeEvent(STATUS), {keyField: 1})?.toString()).toBe('20160101000004');
  expect(keyOf(makeEvent(STATUS), {keyField: 13})?.toString()).toBe('99');
  expect(keyOf(makeEvent('a|b|c'), {keyField: 3, fieldSeparator: '|'})?.toString()).toBe('c');
  expect(keyOf(makeEvent('a::b'), {keyField: 2, fieldSeparator: '::'})?.toString()).toBe('b');
});

it('a line with too few fields has no key; an empty field is an empty key', () => {
  expect(keyOf(makeEvent(STATUS), {keyField: 14})).toBeNull();
  expect(keyOf(makeEvent('a,,c'), {keyField: 2})).toEqual(Buffer.alloc(0));
});

it('prefers the header, falls back to the field, and is null with neither', () => {
  expect(keyOf(makeEvent(STATUS, {key: 'car-7'}), {keyHeader: 'key', keyField: 2})?.toString()).toBe('car-7');
  expect(keyOf(makeEvent(STATUS), {keyHeader: 'key', keyField: 2})?.toString()).toBe('K0001');
  expect(keyOf(makeEvent(STATUS), {keyHeader: 'key'})).toBeNull();
  expect(keyOf(makeEvent(STATUS), {})).toBeNull();
});

it('cuts bytes without decoding, so non-ASCII keys survive', () => {
  expect(keyOf(makeEvent('x,차량1,y'), {keyField: 2})?.toString('utf8')).toBe('차량1');
});
