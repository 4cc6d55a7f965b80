import {expect, it} from 'vitest';
import {INTERCEPTOR_TYPES, interceptorConfigSchema} from '../../src/interceptors/schema.js';

it('accepts every interceptor type with Flume option names', () => {
  const configs = [
    {type: 'timestamp', headerName: 'ts', preserveExisting: true},
    {type: 'host', hostHeader: 'h', useIP: false, preserveExisting: false},
    {type: 'static', key: 'logType', value: 'car-batch-log', preserveExisting: false},
    {type: 'regex_filter', regex: '^\\d{14}', excludeEvents: false},
    {type: 'regex_extractor', regex: '^(\\d{14})', serializers: [{name: 'timestamp', type: 'millis', pattern: 'yyyyMMddHHmmss'}]},
    {type: 'uuid', headerName: 'id', prefix: 'p-', preserveExisting: true},
    {type: 'search_replace', searchPattern: 'a', replaceString: 'b'},
  ];
  for (const c of configs) expect(interceptorConfigSchema.parse(c)).toEqual(c);
  expect(INTERCEPTOR_TYPES).toEqual(configs.map((c) => c.type));
});

it('rejects unknown keys, unknown types, missing options, bad regexes and a millis serializer without pattern', () => {
  const issues = (c: unknown) => {
    const r = interceptorConfigSchema.safeParse(c);
    expect(r.success).toBe(false);
    return r.error!.issues;
  };
  expect(issues({type: 'timestamp', preserveExisitng: true})[0].code).toBe('unrecognized_keys');
  expect(issues({type: 'morphline'})[0].path).toEqual(['type']);
  expect(issues({type: 'static', value: 'x'})[0].path).toEqual(['key']);
  expect(issues({type: 'regex_filter', regex: '(x'})[0].message).toMatch(/regular expression/);
  expect(issues({type: 'regex_extractor', regex: '(x)', serializers: [{name: 't', type: 'millis'}]})[0].path).toEqual(['serializers', 0, 'pattern']);
  expect(issues({type: 'regex_extractor', regex: '(x)', serializers: [{name: 't', type: 'millis', pattern: 'EEE'}]})[0].message).toMatch(/not supported/);
  expect(issues({type: 'search_replace', searchPattern: ''})[0].path).toEqual(['searchPattern']);
});
