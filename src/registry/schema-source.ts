import fs from 'node:fs';
import type avro from 'avsc';
import {UserError} from '../lib/errors.js';
import {BUILTIN_SCHEMAS, type BuiltinSchemaName} from './smartcar-schemas.js';

export const BUILTIN_SCHEMA_NAMES = Object.keys(BUILTIN_SCHEMAS) as BuiltinSchemaName[];

/** The names the agent files and the README use for the same two schemas. */
const BUILTIN_ALIASES: Record<string, BuiltinSchemaName> = {'smartcar-driving': 'driving', 'smartcar-status': 'status'};

/** `driving` or `status` (the smart-car schemas; also `smartcar-driving`, `smartcar-status`), else the path of an .avsc file. */
export function loadAvroSchema(spec: string): avro.Schema {
  const builtin = Object.hasOwn(BUILTIN_ALIASES, spec) ? BUILTIN_ALIASES[spec] : spec;
  if (Object.hasOwn(BUILTIN_SCHEMAS, builtin)) return BUILTIN_SCHEMAS[builtin as BuiltinSchemaName] as unknown as avro.Schema;
  let text: string;
  try {
    text = fs.readFileSync(spec, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the Avro schema file ${spec} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, `give an .avsc file, or a built-in schema: ${BUILTIN_SCHEMA_NAMES.join(', ')}`);
  }
  try {
    return JSON.parse(text) as avro.Schema;
  } catch (err) {
    throw new UserError(`${spec} is not JSON: ${(err as Error).message}`, 'an .avsc file holds an Avro schema as JSON');
  }
}
