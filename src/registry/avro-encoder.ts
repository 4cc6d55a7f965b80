/**
 * `--format avro`: lines become Avro records in Confluent's wire format, and back. The encoder
 * registers its schema once (async, at create) and then encodes synchronously, so it can run
 * where interceptors run; the decoder fetches writer schemas by id through
 * @kafkajs/confluent-schema-registry, which caches them.
 */
import csr from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import {UserError} from '../lib/errors.js';
import {httpsClientAgent, redactUrl, splitUrlCredentials, type HttpClientSecurity} from '../lib/http-security.js';
import {withChanges, type Event} from '../pipeline/event.js';
import type {Interceptor} from '../pipeline/interceptor.js';
import {LineRecordError, LineRecordMapping, recordFields} from './avro.js';
import {RegistryRequestError, RegistryRestClient, RegistryTlsError, RegistryUnavailableError, valueSubject} from './rest-client.js';
import {decodeWire, encodeWire} from './wire-format.js';

export interface AvroLineEncoderOptions {
  registryUrl: string;
  topic: string;
  /** An Avro record schema, one field per field of the line. */
  schema: avro.Schema;
  /** Default: `<topic>-value` (Confluent's TopicNameStrategy). */
  subject?: string;
  /** Default ','. */
  delimiter?: string;
  /** A private CA, a client certificate, basic auth for the registry. */
  security?: HttpClientSecurity;
}

/** Also an Interceptor: put it last in a source's chain, so filters see the text line. */
export class AvroLineEncoder implements Interceptor {
  readonly type = 'avro';

  private constructor(
    readonly subject: string,
    readonly schemaId: number,
    private readonly mapping: LineRecordMapping,
  ) {}

  /**
   * Registers the schema under the subject, as Confluent's serializers do with
   * auto.register.schemas: the same schema gets its id back, a refused one is a UserError
   * carrying the registry's reason.
   */
  static async create(options: AvroLineEncoderOptions): Promise<AvroLineEncoder> {
    const mapping = new LineRecordMapping(options.schema, options.delimiter);
    const subject = options.subject ?? valueSubject(options.topic);
    const client = new RegistryRestClient(options.registryUrl, undefined, options.security);
    try {
      const id = await client.register(subject, JSON.stringify(options.schema));
      return new AvroLineEncoder(subject, id, mapping);
    } catch (err) {
      throw registryUserError(err, client.url, `registering the schema under ${subject}`);
    }
  }

  /** The wire-format value of one line; a LineRecordError when the line does not fit. */
  encodeLine(line: string): Buffer {
    return encodeWire(this.schemaId, this.mapping.type.toBuffer(this.mapping.toRecord(line)));
  }

  /**
   * The event with its body replaced by the wire-format value, or, when the line does not fit
   * the schema, the event as it was, marked rejected with the reason (for the dead-letter topic).
   */
  encode(event: Event): Event {
    if (event.rejected) return event;
    try {
      return withChanges(event, {body: this.encodeLine(event.body.toString('utf8'))});
    } catch (err) {
      if (err instanceof LineRecordError) return withChanges(event, {rejected: `not a ${this.mapping.recordName} record: ${err.message}`});
      throw err;
    }
  }

  intercept(event: Event): Event {
    return this.encode(event);
  }
}

/** A value that cannot be decoded (not wire format, unknown schema id, bad Avro): a data error. */
export class AvroDecodeError extends Error {}

export interface DecodedValue {
  schemaId: number;
  type: avro.Type;
  value: unknown;
}

export class AvroDecoder {
  private readonly registry: InstanceType<typeof csr.SchemaRegistry>;

  /** The registry's URL without credentials (printable). */
  readonly registryUrl: string;

  /** `registryUrl` may hold `user:password@` for basic auth (else `security` may); https checks `security.ca`. */
  constructor(registryUrl: string, security: HttpClientSecurity = {}) {
    const split = splitUrlCredentials(registryUrl);
    this.registryUrl = split.url.replace(/\/+$/, '');
    const username = split.username ?? security.username;
    const password = split.username !== undefined ? split.password : security.password;
    this.registry = new csr.SchemaRegistry({
      host: this.registryUrl,
      ...(username !== undefined ? {auth: {username, password: password ?? ''}} : {}),
      ...(this.registryUrl.startsWith('https:') ? {agent: httpsClientAgent(security)} : {}),
    });
  }

  /**
   * Throws AvroDecodeError for a value that can never be decoded, and RegistryUnavailableError
   * when the registry does not answer (retry later: nothing is wrong with the value).
   */
  async decode(value: Buffer): Promise<DecodedValue> {
    let wire;
    try {
      wire = decodeWire(value);
    } catch (err) {
      throw new AvroDecodeError(`not a schema registry value: ${(err as Error).message}`);
    }
    const type = await this.writerType(wire.schemaId);
    try {
      return {schemaId: wire.schemaId, type, value: type.fromBuffer(wire.payload)};
    } catch (err) {
      throw new AvroDecodeError(`not Avro of schema ${wire.schemaId}: ${(err as Error).message}`);
    }
  }

  /** The record as a plain object (field name -> value). */
  async decodeToObject(value: Buffer): Promise<Record<string, unknown>> {
    const decoded = await this.decode(value);
    return {...(decoded.value as Record<string, unknown>)};
  }

  /** The record's fields as text in the schema's order: the line the encoder was given. */
  async decodeToFields(value: Buffer): Promise<string[]> {
    const {type, value: record} = await this.decode(value);
    if (type.typeName !== 'record') throw new AvroDecodeError(`schema is a ${type.typeName}, not a record`);
    return recordFields(type as avro.types.RecordType, record as Record<string, unknown>);
  }

  async decodeToLine(value: Buffer, delimiter = ','): Promise<string> {
    return (await this.decodeToFields(value)).join(delimiter);
  }

  private async writerType(id: number): Promise<avro.Type> {
    let schema: unknown;
    try {
      schema = await this.registry.getSchema(id);
    } catch (err) {
      const status = (err as {status?: number}).status;
      if (status === 404) throw new AvroDecodeError(`schema ${id} is not in the registry at ${this.registryUrl}`);
      // The client reports a refused connection as "status 400": said as what it is.
      const noAnswer = /^Confluent_Schema_Registry - Error, status \d+: ((connect|read|write) E[A-Z]+.*|socket hang up.*|.*timed? ?out.*)$/i.exec((err as Error).message)?.[1];
      if (noAnswer) throw new RegistryUnavailableError(`no answer from the schema registry at ${this.registryUrl} (${noAnswer})`, {cause: err});
      throw new RegistryUnavailableError(`schema registry at ${this.registryUrl}: ${(err as Error).message}`, {cause: err});
    }
    if (!(schema instanceof avro.Type)) throw new AvroDecodeError(`schema ${id} is not an Avro schema`);
    return schema;
  }
}

/** A registry failure as the UserError a command prints. */
export function registryUserError(err: unknown, url: string, doing: string): unknown {
  if (err instanceof RegistryRequestError) {
    const hint =
      err.status === 409
        ? 'change the schema so it is compatible (e.g. give new fields a default), or relax the subject\'s compatibility level'
        : err.status === 422
          ? 'check the schema: it must be valid Avro JSON'
          : err.status === 404
            ? '`kcollect schema list` shows the subjects and versions the registry holds'
            : err.status === 401
              ? 'give the credentials as --registry-url https://USER:PASSWORD@HOST:PORT, or --registry-user with KCOLLECT_REGISTRY_PASSWORD'
              : `the schema registry at ${redactUrl(url)} answered ${err.status} (error_code ${err.errorCode})`;
    return new UserError(`${doing}: ${err.message}`, hint);
  }
  if (err instanceof RegistryTlsError) return new UserError(`${doing}: ${err.message}`, 'check --registry-ca (the CA that signed the registry\'s certificate), and --registry-cert/--registry-key when it asks for a client certificate');
  if (err instanceof RegistryUnavailableError) return new UserError(`${doing}: ${err.message}`, `start one with \`kcollect registry serve\`, or pass --registry-url (KCOLLECT_REGISTRY_URL)`);
  return err;
}
