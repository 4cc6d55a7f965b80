import type {Event} from '../pipeline/event.js';
import type {Interceptor} from '../pipeline/interceptor.js';
import {compileJavaRegex} from './java-regex.js';

export interface RegexFilterOptions {
  /** Searched anywhere in the body (Java's find()); Flume default `.*`. */
  regex?: string;
  /** Drop matching events instead of keeping only them (Flume default false). */
  excludeEvents?: boolean;
}

/** Flume's `regex_filter`: keeps (or, with excludeEvents, drops) events whose body matches. */
export class RegexFilterInterceptor implements Interceptor {
  readonly type = 'regex_filter';
  private readonly regex: RegExp;
  private readonly exclude: boolean;

  constructor(options: RegexFilterOptions = {}) {
    this.regex = compileJavaRegex(options.regex ?? '.*', 'regex_filter regex');
    this.exclude = options.excludeEvents ?? false;
  }

  intercept(event: Event): Event | null {
    return this.regex.test(event.body.toString('utf8')) === this.exclude ? null : event;
  }
}
