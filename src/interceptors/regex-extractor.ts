import type {Event} from '../pipeline/event.js';
import type {Interceptor} from '../pipeline/interceptor.js';
import {DatePattern} from './date-pattern.js';
import {compileJavaRegex} from './java-regex.js';

export interface ExtractorSerializer {
  /** The header that receives the group. */
  name: string;
  /** `default` passes the text through; `millis` turns a date (per `pattern`) into epoch ms. */
  type?: 'default' | 'millis';
  /** Joda-style date pattern, for type millis, e.g. yyyyMMddHHmmss. */
  pattern?: string;
}

export interface RegexExtractorOptions {
  regex: string;
  /** One per capture group, in order: serializer k names group k+1. */
  serializers: ExtractorSerializer[];
}

type Serialize = (text: string) => string | undefined;

/**
 * Flume's `regex_extractor`: the first match's groups become headers. Groups beyond the
 * serializers are ignored, as in Flume. A group that did not take part in the match, or a date
 * the millis serializer cannot read (Flume would fail the batch), sets no header.
 */
export class RegexExtractorInterceptor implements Interceptor {
  readonly type = 'regex_extractor';
  private readonly regex: RegExp;
  private readonly serializers: {name: string; serialize: Serialize}[];

  constructor(options: RegexExtractorOptions) {
    this.regex = compileJavaRegex(options.regex, 'regex_extractor regex');
    this.serializers = options.serializers.map((s) => ({name: s.name, serialize: serializer(s)}));
  }

  intercept(event: Event): Event {
    const m = this.regex.exec(event.body.toString('utf8'));
    if (!m) return event;
    const groups = Math.min(m.length - 1, this.serializers.length);
    for (let k = 0; k < groups; k++) {
      const text = m[k + 1];
      if (text === undefined) continue;
      const value = this.serializers[k].serialize(text);
      if (value !== undefined) event.headers[this.serializers[k].name] = value;
    }
    return event;
  }
}

function serializer(s: ExtractorSerializer): Serialize {
  if (s.type !== 'millis') return (text) => text;
  const pattern = new DatePattern(s.pattern ?? '');
  return (text) => {
    const ms = pattern.parse(text);
    return ms === undefined ? undefined : String(ms);
  };
}
