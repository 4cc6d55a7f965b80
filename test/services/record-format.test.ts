import {describe, expect, it} from 'vitest';
import {compileFormat} from '../../src/services/record-format.js';

describe('consume --format', () => {
  it('%h prints a null header value as NULL and an empty one as nothing, as kcat does', () => {
    const record = {topic: 't', partition: 0, offset: 7, timestamp: 1, key: null, value: Buffer.from('v1'), headers: [{key: 'k', value: null}, {key: 'e', value: Buffer.alloc(0)}, {key: 'x', value: Buffer.from('y')}]};
    expect(compileFormat('%h|%s\\n')(record).toString()).toBe('k=NULL,e=,x=y|v1\n');
  });
});
