import {describe, expect, it} from 'vitest';
import {bootstrapList} from '../../src/lib/address.js';
import {UserError} from '../../src/lib/errors.js';

describe('bootstrapList', () => {
  it('takes a bootstrap list as librdkafka does: spaces, a scheme prefix, a host without its port', () => {
    expect(bootstrapList('kafka1:9093, PLAINTEXT://kafka2:9094,SASL_SSL://kafka3:9095', '--brokers')).toEqual(['kafka1:9093', 'kafka2:9094', 'kafka3:9095']);
    expect(bootstrapList('localhost', '--brokers')).toEqual(['localhost:9092']);
    expect(bootstrapList('127.0.0.1:39092,', '--brokers')).toEqual(['127.0.0.1:39092']);
  });

  it('names the setting a bad address came from', () => {
    expect(() => bootstrapList('kafka1:nine', 'bootstrap.servers')).toThrow(UserError);
    expect(() => bootstrapList('kafka1:nine', 'bootstrap.servers')).toThrow('invalid bootstrap.servers "kafka1:nine"');
  });
});
