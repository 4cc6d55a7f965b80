/**
 * The mapping between a delimited line and an Avro record (the smart-car schemas are in
 * smartcar-schemas.ts): field i of the line is field i of the record schema, in both directions.
 */
import avro from 'avsc';
import {UserError} from '../lib/errors.js';

/** A line that does not fit the record schema; the reason goes with it to the dead-letter topic. */
export class LineRecordError extends Error {}

type FieldParser = (text: string) => unknown;

const INT_RANGE = [-(2 ** 31), 2 ** 31 - 1] as const;

function integer(text: string, kind: 'int' | 'long'): number {
  if (!/^[+-]?\d+$/.test(text)) throw new Error(`"${text}" is not an ${kind}`);
  const n = Number(text);
  const ok = kind === 'int' ? n >= INT_RANGE[0] && n <= INT_RANGE[1] : Number.isSafeInteger(n);
  if (!ok) throw new Error(`${text} is out of the ${kind} range`);
  return n;
}

/** How a text field becomes a value of an Avro type, or undefined when no text can. */
function parserFor(type: avro.Type): FieldParser | undefined {
  switch (type.typeName) {
    case 'string':
      return (t) => t;
    case 'int':
    case 'long':
      return (t) => integer(t, type.typeName as 'int' | 'long');
    case 'float':
    case 'double':
      return (t) => {
        const n = Number(t);
        if (t.trim() === '' || Number.isNaN(n)) throw new Error(`"${t}" is not a number`);
        return n;
      };
    case 'boolean':
      return (t) => {
        if (t !== 'true' && t !== 'false') throw new Error(`"${t}" is not true or false`);
        return t === 'true';
      };
    case 'enum': {
      const symbols = (type as avro.types.EnumType).symbols;
      return (t) => {
        if (!symbols.includes(t)) throw new Error(`"${t}" is not one of ${symbols.join(', ')}`);
        return t;
      };
    }
    case 'union:unwrapped': {
      // ["null", T]: an empty field is null
      const types = (type as avro.types.UnwrappedUnionType).types;
      const other = types.filter((t) => t.typeName !== 'null');
      const inner = other.length === 1 && types.length === 2 ? parserFor(other[0]) : undefined;
      return inner && ((t) => (t === '' ? null : inner(t)));
    }
    default:
      return undefined;
  }
}

/** A compiled record schema: lines to records and records back to line fields. */
export class LineRecordMapping {
  readonly type: avro.types.RecordType;
  /** The record's name without its namespace, for messages. */
  readonly recordName: string;
  private readonly parsers: FieldParser[];

  /** Throws a UserError when the schema is not a record of fields a text field can fill. */
  constructor(
    schema: avro.Schema | avro.Type,
    readonly delimiter = ',',
  ) {
    let type: avro.Type;
    try {
      type = schema instanceof avro.Type ? schema : avro.Type.forSchema(schema);
    } catch (err) {
      throw new UserError(`invalid Avro schema: ${(err as Error).message}`, 'give an Avro record schema (JSON), one field per field of the line');
    }
    if (type.typeName !== 'record') throw new UserError(`the Avro schema is a ${type.typeName}, not a record`, 'give an Avro record schema, one field per field of the line');
    this.type = type as avro.types.RecordType;
    this.recordName = this.type.name!.split('.').pop()!;
    this.parsers = this.type.fields.map((f) => {
      const parser = parserFor(f.type);
      if (!parser) throw new UserError(`field ${f.name} of ${this.recordName} has type ${f.type.typeName}, which a text field cannot fill`, 'use string, int, long, float, double, boolean, enum or ["null", one of those]');
      return parser;
    });
  }

  /** The record for one line, or a LineRecordError saying why the line does not fit. */
  toRecord(line: string): Record<string, unknown> {
    const fields = line.split(this.delimiter);
    const names = this.type.fields;
    if (fields.length !== names.length) throw new LineRecordError(`${fields.length} field(s) where ${this.recordName} has ${names.length}`);
    const record: Record<string, unknown> = {};
    fields.forEach((text, i) => {
      try {
        record[names[i].name] = this.parsers[i](text);
      } catch (err) {
        throw new LineRecordError(`field ${i + 1} (${names[i].name}): ${(err as Error).message}`);
      }
    });
    return record;
  }
}

/** A decoded record's fields as text, in the schema's field order (null is an empty field). */
export function recordFields(type: avro.types.RecordType, record: Record<string, unknown>): string[] {
  return type.fields.map((f) => fieldText(record[f.name]));
}

function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
