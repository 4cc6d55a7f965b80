/**
 * `--value-format avro` on drains: record values in the Confluent wire format are decoded to the
 * delimited line the collector was given, before the sink sees them, so HBase rows and files
 * are the same as for text. A value that can never be decoded is refused like any poison record
 * (dead-letter topic, the rest go on); a registry that does not answer, also at start, is a sink
 * that does not answer (park, probe, nothing committed).
 */
import {errorMessage} from '../lib/errors.js';
import type {HttpClientSecurity} from '../lib/http-security.js';
import {withChanges, type Event} from '../pipeline/event.js';
import {SinkDataError, SinkUnavailableError, type RejectedEvent, type Sink} from '../pipeline/sink.js';
import {AvroDecodeError, AvroDecoder, registryUserError} from '../registry/avro-encoder.js';
import {RegistryRestClient, RegistryTlsError, RegistryUnavailableError} from '../registry/rest-client.js';

/** A batch's values decoded: what the inner sink writes, and the events refused before it. */
interface DecodedBatch {
  decoded: Event[];
  /** Index in the batch given of each decoded event. */
  at: number[];
  refused: RejectedEvent[];
}

export class AvroValueSink implements Sink {
  readonly name: string;
  readonly type: string;
  /** Batches whose write failed, decoded, until they are written (or given up). */
  private readonly decodedBatches = new WeakMap<readonly Event[], DecodedBatch>();
  private readonly decoder: AvroDecoder;
  private readonly registry: RegistryRestClient;

  constructor(
    private readonly inner: Sink,
    readonly registryUrl: string,
    /** Joins the decoded fields: the sink's own field delimiter (default ','). */
    private readonly delimiter = ',',
    security: HttpClientSecurity = {},
  ) {
    this.name = inner.name;
    this.type = inner.type;
    this.decoder = new AvroDecoder(registryUrl, security);
    this.registry = new RegistryRestClient(registryUrl, undefined, security);
    if (inner.commitTransaction) this.commitTransaction = (offsets) => inner.commitTransaction!(offsets);
    if (inner.committable) this.committable = (topic, partition, confirmed) => inner.committable!(topic, partition, confirmed);
    if (inner.closePartitions) this.closePartitions = (topic, partitions) => inner.closePartitions!(topic, partitions);
    this.maxWritesInFlight = inner.maxWritesInFlight;
  }

  commitTransaction?: Sink['commitTransaction'];
  committable?: Sink['committable'];
  closePartitions?: Sink['closePartitions'];
  readonly maxWritesInFlight?: number;

  /**
   * A registry that does not answer yet (services started in another order) is no error, as for
   * the sink itself: the first batch to decode parks the drain, which probes until it answers. An
   * answer no wait mends (a refused login, a TLS failure) fails at once.
   */
  async start(): Promise<void> {
    try {
      await this.registry.subjects();
    } catch (err) {
      if (!(err instanceof RegistryUnavailableError) || err instanceof RegistryTlsError) throw registryUserError(err, this.registry.url, 'reading Avro record values');
    }
    await this.inner.start?.();
  }

  async write(events: readonly Event[]): Promise<void> {
    const batch = this.decodedBatches.get(events) ?? (await this.decode(events));
    this.decodedBatches.delete(events);
    const refused = [...batch.refused];
    try {
      if (batch.decoded.length > 0) await this.inner.write(batch.decoded);
    } catch (err) {
      // Its retry hands the inner sink the very batch it failed: a Kafka sink then sends again only what was not acknowledged.
      if (!(err instanceof SinkDataError)) {
        this.decodedBatches.set(events, batch);
        throw err;
      }
      refused.push(...err.rejected.map((r) => ({index: batch.at[r.index], reason: r.reason})));
    }
    if (refused.length > 0) throw new SinkDataError(refused.sort((a, b) => a.index - b.index));
  }

  private async decode(events: readonly Event[]): Promise<DecodedBatch> {
    const batch: DecodedBatch = {decoded: [], at: [], refused: []};
    for (const [index, event] of events.entries()) {
      try {
        batch.decoded.push(withChanges(event, {body: Buffer.from(await this.decoder.decodeToLine(event.body, this.delimiter), 'utf8')}));
        batch.at.push(index);
      } catch (err) {
        if (err instanceof AvroDecodeError) batch.refused.push({index, reason: `value is not Avro the registry knows: ${err.message}`});
        else if (err instanceof RegistryUnavailableError) throw new SinkUnavailableError(err.message, {cause: err});
        else throw err;
      }
    }
    return batch;
  }

  /** Answers once the registry and the sink both answer. */
  async probe(): Promise<void> {
    try {
      await this.registry.subjects();
    } catch (err) {
      throw new SinkUnavailableError(`schema registry at ${this.registry.url}: ${errorMessage(err)}`, {cause: err});
    }
    await this.inner.probe?.();
  }

  resumeFrom(topic: string, partition: number, committed: number): number {
    return this.inner.resumeFrom?.(topic, partition, committed) ?? committed;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
