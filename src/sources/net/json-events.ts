import {z} from 'zod';
import type {Event} from '../../pipeline/event.js';

/** Flume's JSONHandler format: an array of events, each with string headers and a string body. */
const jsonEvents = z.array(
  z.strictObject({
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().default(''),
  }),
);

/** The events of a request body, or a message saying what is wrong with it (for a 400). */
export function parseJsonEvents(text: string): Array<Pick<Event, 'headers' | 'body'>> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `malformed JSON: ${(err as Error).message}`;
  }
  const checked = jsonEvents.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') || 'the body';
    return `${where}: ${issue.message}; expected a JSON array of {"headers": {"name": "value"}, "body": "text"}`;
  }
  return checked.data.map((e) => ({headers: e.headers, body: Buffer.from(e.body, 'utf8')}));
}
