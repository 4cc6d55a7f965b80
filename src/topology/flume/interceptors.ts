/** Flume interceptors as kcollect's (same names and options); a custom Java class is listed, never dropped. Part of `kcollect agent import` (../flume-import.ts). */
import {interceptorConfigSchema, type InterceptorConfig} from '../../interceptors/schema.js';
import {Scope, type TypeTable, defined} from './scope.js';

export function convertInterceptors(s: Scope): InterceptorConfig[] | undefined {
  const names = s.list('interceptors');
  if (names.length === 0) return undefined;
  const out: InterceptorConfig[] = [];
  for (const i of names) {
    const scope = s.child(`interceptors.${i}`, `interceptor ${i} of source ${s.name}`);
    const converted = convertInterceptor(scope);
    if (converted) out.push(converted);
  }
  return out;
}

const INTERCEPTOR_TYPES: TypeTable = {
  timestamp: 'timestamp',
  'org.apache.flume.interceptor.timestampinterceptor$builder': 'timestamp',
  host: 'host',
  'org.apache.flume.interceptor.hostinterceptor$builder': 'host',
  static: 'static',
  'org.apache.flume.interceptor.staticinterceptor$builder': 'static',
  regex_filter: 'regex_filter',
  'org.apache.flume.interceptor.regexfilteringinterceptor$builder': 'regex_filter',
  regex_extractor: 'regex_extractor',
  'org.apache.flume.interceptor.regexextractorinterceptor$builder': 'regex_extractor',
  search_replace: 'search_replace',
  'org.apache.flume.interceptor.searchandreplaceinterceptor$builder': 'search_replace',
  uuid: 'uuid',
  'org.apache.flume.sink.solr.morphline.uuidinterceptor$builder': 'uuid',
  remove_header: 'kcollect has no remove_header interceptor; the headers stay on the events',
  'org.apache.flume.interceptor.removeheaderinterceptor$builder': 'kcollect has no remove_header interceptor; the headers stay on the events',
  'org.apache.flume.sink.solr.morphline.morphlineinterceptor$builder': 'kcollect does not run morphlines; regex_extractor and search_replace cover the common steps',
};

const CUSTOM_INTERCEPTOR = 'a custom Java interceptor class: kcollect cannot run Java code, so events pass without it; rebuild its effect from search_replace, regex_extractor, static or timestamp interceptors, or change the YAML by hand';

function convertInterceptor(s: Scope): InterceptorConfig | undefined {
  const type = s.type(INTERCEPTOR_TYPES, CUSTOM_INTERCEPTOR);
  let config: Record<string, unknown> | undefined;
  switch (type) {
    case 'timestamp':
      config = {type, headerName: s.str('headerName'), preserveExisting: s.optBool('preserveExisting')};
      break;
    case 'host':
      config = {type, hostHeader: s.str('hostHeader'), useIP: s.optBool('useIP'), preserveExisting: s.optBool('preserveExisting')};
      break;
    case 'static': {
      const key = s.raw('key');
      const value = s.raw('value');
      if (key === undefined || value === undefined) s.noteType(`Flume's defaults filled in: ${key === undefined ? 'key = "key"' : ''}${key === undefined && value === undefined ? ', ' : ''}${value === undefined ? 'value = "value"' : ''}`);
      config = {type, key: key ?? 'key', value: value ?? 'value', preserveExisting: s.optBool('preserveExisting')};
      break;
    }
    case 'regex_filter':
      config = {type, regex: s.raw('regex'), excludeEvents: s.optBool('excludeEvents')};
      break;
    case 'uuid':
      config = {type, headerName: s.str('headerName'), prefix: s.raw('prefix'), preserveExisting: s.optBool('preserveExisting')};
      break;
    case 'search_replace': {
      const charset = s.str('charset');
      if (charset !== undefined && !/^utf-?8$/i.test(charset)) s.unconvert('charset', `kcollect treats bodies as UTF-8; ${charset} is not supported`);
      else if (charset !== undefined) s.note('charset', 'not needed: kcollect treats bodies as UTF-8');
      config = {type, searchPattern: s.raw('searchPattern'), replaceString: s.raw('replaceString')};
      break;
    }
    case 'regex_extractor':
      config = regexExtractor(s);
      break;
  }
  if (config === undefined) return undefined;
  const checked = interceptorConfigSchema.safeParse(defined(config));
  if (!checked.success) {
    const issue = checked.error.issues[0];
    s.drop('type', `${issue.path.join('.') || 'options'}: ${issue.message}`);
    return undefined;
  }
  return defined(config) as InterceptorConfig;
}

const SERIALIZERS: Record<string, 'default' | 'millis'> = {
  default: 'default',
  'org.apache.flume.interceptor.regexextractorinterceptorpassthroughserializer': 'default',
  regexextractorinterceptorpassthroughserializer: 'default',
  'org.apache.flume.interceptor.regexextractorinterceptormillisserializer': 'millis',
  regexextractorinterceptormillisserializer: 'millis',
};

function regexExtractor(s: Scope): Record<string, unknown> | undefined {
  const serializers: Array<Record<string, unknown>> = [];
  for (const n of s.list('serializers')) {
    const raw = s.str(`serializers.${n}.type`);
    const type = raw === undefined ? 'default' : SERIALIZERS[raw.toLowerCase()];
    if (type === undefined) {
      // Serializers pair with the regex's groups by position, so one missing shifts the rest.
      s.drop(`serializers.${n}.type`, `serializer class ${raw} is not one kcollect has (default, millis); the extractor is not converted because its serializers pair with the regex groups by position`);
      return undefined;
    }
    const pattern = s.raw(`serializers.${n}.pattern`);
    serializers.push(defined({name: s.str(`serializers.${n}.name`), type: type === 'default' ? undefined : type, pattern}));
  }
  return {type: 'regex_extractor', regex: s.raw('regex'), serializers};
}
