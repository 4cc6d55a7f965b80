import {LineCounter, parseDocument} from 'yaml';
import {z} from 'zod';
import {editDistance} from '../lib/edit-distance.js';
import {UserError} from '../lib/errors.js';

/**
 * Parses YAML and validates it with a zod schema. Every problem is named by file, line and key
 * path (`topology.yaml:6: brokers[1].id: ...`); the first comes first, the rest on the lines
 * after it, and the hint says how to fix the first.
 */
export function parseYaml<S extends z.ZodType>(text: string, file: string, schema: S, hintFor: (path: string, code: string) => string): z.infer<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, {lineCounter: lines, prettyErrors: false});
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const at = e.linePos?.[0] ? `:${e.linePos[0].line}` : '';
    throw new UserError(`${file}${at}: not valid YAML: ${e.message.split('\n')[0]}`, 'fix the YAML syntax (indentation, colons, quotes)');
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    let path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys;
      path = [path, keys[0]].filter(Boolean).join('.');
      const known = keysAt(schema, issue.path);
      // A typo, or a Flume name with its prefix (kafka.topic, sink.rollInterval).
      const meant = keys.flatMap((k) => {
        const m = known.find((o) => editDistance(o, k) <= 2) ?? known.find((o) => k.endsWith(`.${o}`));
        return m === undefined ? [] : [keys.length > 1 ? `${m} for "${k}"` : m];
      });
      message = `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}${meant.length > 0 ? ` (did you mean ${meant.join(', ')}?)` : ''}`;
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      message = 'is missing';
    }
    // A missing key has no node of its own: point at the object it is missing from.
    const keyPath = issue.path as Array<string | number>;
    type Located = {range?: [number, number, number]} | undefined;
    const node = (doc.getIn(keyPath, true) as Located) ?? (doc.getIn(keyPath.slice(0, -1), true) as Located);
    const line = node?.range ? `:${lines.linePos(node.range[0]).line}` : '';
    return {where: `${file}${line}`, path: path || '(top level)', message, code: issue.code};
  });
  const first = problems[0];
  const rest = problems.length > 1 ? `\n${problems.slice(1).map((p) => `  ${p.where}: ${p.path}: ${p.message}`).join('\n')}` : '';
  throw new UserError(`${first.where}: ${first.path}: ${first.message}${rest}`, hintFor(first.path, first.code));
}

/** The keys the schema knows for the object at `path` (of every type a union allows there): what a misspelt key was meant to be. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let at = variants(schema);
  for (const step of path) {
    at = at.flatMap((s) => {
      if (s instanceof z.ZodObject) return typeof step === 'string' && step in s.shape ? variants(s.shape[step] as z.ZodType) : [];
      if (s instanceof z.ZodRecord) return variants(s.valueType as z.ZodType);
      if (s instanceof z.ZodArray) return variants(s.element as z.ZodType);
      return [];
    });
  }
  return at.flatMap((s) => (s instanceof z.ZodObject ? Object.keys(s.shape) : []));
}

/** A schema without its optional, default, transform and union wrappers: the shapes a value may take. */
function variants(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) return variants(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodPipe) return variants(schema.in as z.ZodType);
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(variants);
  return [schema];
}
