/**
 * `--value-format avro` for `consume` (printing, or `--to SINK`) and `replay`: Avro values in the
 * Confluent wire format become the delimited line again before they are printed or written.
 */
import type {FetchedRecord} from '../client/fetcher.js';
import type {HttpClientSecurity} from '../lib/http-security.js';
import type {Sink} from '../pipeline/sink.js';
import type {RecordSource} from './consume-service.js';

// The Avro decoder (avsc, the schema registry client and its ajv and protobufjs: ~130 modules, a
// third of a text drain's start-up) is loaded only when values are Avro.

/** How record values are read: undefined is text (as they are). */
export type ValueFormat = {type: 'avro'; registryUrl: string; security?: HttpClientSecurity};

/** The sink seeing decoded lines (joined with `delimiter`, the sink's field delimiter). */
export async function withValueFormat(sink: Sink, format: ValueFormat | undefined, delimiter?: string): Promise<Sink> {
  if (format === undefined) return sink;
  const {AvroValueSink} = await import('../drain/avro-values.js');
  return new AvroValueSink(sink, format.registryUrl, delimiter, format.security);
}

/**
 * The records with their values decoded, for printing. A value that does not decode is printed as
 * it is, with a warning; a registry that does not answer stops the read (nothing more is printed,
 * so a group commits nothing more).
 */
export function decodedRecordSource(source: RecordSource, format: ValueFormat | undefined, warn: (message: string) => void): RecordSource {
  if (format === undefined) return source;
  return async (deliver, signal) => {
    const [{AvroDecodeError, AvroDecoder, registryUserError}, {RegistryRestClient}] = await Promise.all([import('../registry/avro-encoder.js'), import('../registry/rest-client.js')]);
    const decoder = new AvroDecoder(format.registryUrl, format.security);
    const decode = async (r: FetchedRecord): Promise<FetchedRecord> => {
      if (r.value === null) return r;
      try {
        // headers named: a fetched record's are an accessor, which a spread does not copy.
        return {...r, value: Buffer.from(await decoder.decodeToLine(r.value), 'utf8'), headers: r.headers};
      } catch (err) {
        if (!(err instanceof AvroDecodeError)) throw registryUserError(err, format.registryUrl, `decoding the value at ${r.topic}/${r.partition}@${r.offset}`);
        warn(`${r.topic}/${r.partition}@${r.offset}: value printed as it is: ${err.message}`);
        return r;
      }
    };
    // A registry that is not there is the usual mistake: say so before reading anything.
    await new RegistryRestClient(format.registryUrl, undefined, format.security).subjects().catch((err: unknown) => {
      throw registryUserError(err, format.registryUrl, 'reading Avro record values');
    });
    return source(async (records) => {
      const decoded: FetchedRecord[] = [];
      for (const r of records) decoded.push(await decode(r));
      return deliver(decoded);
    }, signal);
  };
}
