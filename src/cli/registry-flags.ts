import {Flags} from '#oclif';
import {UserError} from '../lib/errors.js';
import {httpClientFlags, httpClientSecurity} from './http-flags.js';
import type {AvroLineEncoder} from '../registry/avro-encoder.js';
import {BUILTIN_SCHEMA_NAMES, loadAvroSchema} from '../registry/schema-source.js';
import type {ValueFormat} from '../services/value-format.js';

export const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:8081';

/** Where Avro schemas are registered and looked up. */
export const registryUrlFlag = Flags.string({
  env: 'KCOLLECT_REGISTRY_URL',
  default: DEFAULT_REGISTRY_URL,
  description: 'Schema Registry base URL (a Confluent Schema Registry, or `kcollect registry serve`)',
});

/** What a collecting command needs for `--format avro`. */
export const avroProduceFlags = {
  format: Flags.string({options: ['text', 'avro'], default: 'text', env: 'KCOLLECT_RECORD_FORMAT', description: 'record values: the line as text, or an Avro record in the Confluent wire format (schema registered under TOPIC-value)'}),
  'avro-schema': Flags.string({env: 'KCOLLECT_AVRO_SCHEMA', description: `with --format avro: the record schema, field i = field i of the line: smartcar-driving or smartcar-status (the smart-car logs; also ${BUILTIN_SCHEMA_NAMES.join(', ')}), or an .avsc file`}),
  'registry-url': registryUrlFlag,
  ...httpClientFlags('registry', 'Schema Registry'),
};

/** The encoder `--format avro` asks for (registers the schema now), or undefined for text. */
export async function avroEncoderFromFlags(
  flags: {format: string; 'avro-schema'?: string; 'registry-url': string; 'field-separator'?: string} & Record<string, unknown>,
  topic: string,
): Promise<AvroLineEncoder | undefined> {
  if (flags.format !== 'avro') return undefined;
  const schema = flags['avro-schema'];
  if (schema === undefined) throw new UserError('--format avro needs --avro-schema', 'smartcar-driving or smartcar-status for the smart-car logs, or the path of an .avsc record schema');
  // Loaded only for Avro: the registry client weighs on every text collector's start-up.
  const {AvroLineEncoder} = await import('../registry/avro-encoder.js');
  return AvroLineEncoder.create({registryUrl: flags['registry-url'], topic, schema: loadAvroSchema(schema), delimiter: flags['field-separator'], security: httpClientSecurity('registry', flags)});
}

/** What a draining or printing command needs to read `--format avro` values (`--format` is taken there). */
export const valueFormatFlags = {
  'value-format': Flags.string({options: ['text', 'avro'], default: 'text', env: 'KCOLLECT_VALUE_FORMAT', description: 'record values: text lines, or Avro in the Confluent wire format (decoded to the comma-separated line through --registry-url)'}),
  'registry-url': registryUrlFlag,
  ...httpClientFlags('registry', 'Schema Registry'),
};

/** The value format `--value-format` asks for: undefined for text. */
export function valueFormatFromFlags(flags: {'value-format': string; 'registry-url': string} & Record<string, unknown>): ValueFormat | undefined {
  return flags['value-format'] === 'avro' ? {type: 'avro', registryUrl: flags['registry-url'], security: httpClientSecurity('registry', flags)} : undefined;
}
