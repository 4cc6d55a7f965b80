import {z} from 'zod';
import {DatePattern} from './date-pattern.js';
import {isValidJavaRegex} from './java-regex.js';

const regex = z.string().refine(isValidJavaRegex, {message: 'not a valid regular expression'});
const header = z.string().min(1);

const serializer = z
  .strictObject({
    name: header,
    type: z.enum(['default', 'millis']).optional(),
    pattern: z.string().min(1).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.type === 'millis') {
      if (s.pattern === undefined) ctx.addIssue({code: 'custom', path: ['pattern'], message: 'type millis needs a date pattern, e.g. yyyyMMddHHmmss'});
      else {
        try {
          new DatePattern(s.pattern);
        } catch (err) {
          ctx.addIssue({code: 'custom', path: ['pattern'], message: (err as Error).message});
        }
      }
    } else if (s.pattern !== undefined) {
      ctx.addIssue({code: 'custom', path: ['pattern'], message: 'pattern is only for type millis'});
    }
  });

/**
 * One interceptor as configured in an agent file, with Flume's option names. Unknown keys are
 * rejected so a typo fails at load time instead of being silently ignored.
 */
export const interceptorConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({type: z.literal('timestamp'), headerName: header.optional(), preserveExisting: z.boolean().optional()}),
  z.strictObject({type: z.literal('host'), hostHeader: header.optional(), useIP: z.boolean().optional(), preserveExisting: z.boolean().optional()}),
  z.strictObject({type: z.literal('static'), key: header, value: z.string(), preserveExisting: z.boolean().optional()}),
  z.strictObject({type: z.literal('regex_filter'), regex: regex.optional(), excludeEvents: z.boolean().optional()}),
  z.strictObject({type: z.literal('regex_extractor'), regex, serializers: z.array(serializer).min(1)}),
  z.strictObject({type: z.literal('uuid'), headerName: header.optional(), prefix: z.string().optional(), preserveExisting: z.boolean().optional()}),
  z.strictObject({type: z.literal('search_replace'), searchPattern: regex.refine((s) => s.length > 0, {message: 'must not be empty'}), replaceString: z.string().optional()}),
]);

export type InterceptorConfig = z.infer<typeof interceptorConfigSchema>;

export const INTERCEPTOR_TYPES = interceptorConfigSchema.options.map((o) => o.shape.type.value);
