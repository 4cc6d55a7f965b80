import type {Interceptor} from '../pipeline/interceptor.js';
import {HostInterceptor} from './host.js';
import {RegexExtractorInterceptor} from './regex-extractor.js';
import {RegexFilterInterceptor} from './regex-filter.js';
import type {InterceptorConfig} from './schema.js';
import {SearchReplaceInterceptor} from './search-replace.js';
import {StaticInterceptor} from './static.js';
import {TimestampInterceptor} from './timestamp.js';
import {UuidInterceptor} from './uuid.js';

// The config schema (zod, ~60 ms to load) is imported from './schema.js' by what validates
// agent files only: a collector started from flags never loads it.

/** Builds one interceptor; a bad regex or date pattern throws a UserError naming the option. */
export function createInterceptor(config: InterceptorConfig): Interceptor {
  switch (config.type) {
    case 'timestamp':
      return new TimestampInterceptor(config);
    case 'host':
      return new HostInterceptor(config);
    case 'static':
      return new StaticInterceptor(config);
    case 'regex_filter':
      return new RegexFilterInterceptor(config);
    case 'regex_extractor':
      return new RegexExtractorInterceptor(config);
    case 'uuid':
      return new UuidInterceptor(config);
    case 'search_replace':
      return new SearchReplaceInterceptor(config);
  }
}

/** The chain, in the order given (applyInterceptors runs it). */
export function createInterceptors(configs: readonly InterceptorConfig[]): Interceptor[] {
  return configs.map(createInterceptor);
}
