import type {CompressionName} from '../client/client-settings.js';
import {HBaseRestClient} from '../hbase/rest-client.js';
import {UserError} from '../lib/errors.js';
import {redactUrl, type HttpClientSecurity} from '../lib/http-security.js';
import type {Event} from '../pipeline/event.js';
import type {Sink} from '../pipeline/sink.js';
import {FileRollSink, type FileRollOptions} from './file-roll-sink.js';
import {compileRowMapping} from './hbase-rows.js';
import {HBaseSink} from './hbase-sink.js';
import {KafkaSink} from './kafka-sink.js';
import {StdoutSink} from './stdout-sink.js';

export const SINK_KINDS = ['stdout', 'file', 'hbase', 'kafka'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

export interface HBaseSinkSettings {
  url: string;
  table: string;
  family: string;
  columns: string[];
  rowKey: string;
  delimiter?: string;
  createTable: boolean;
  timeoutMs?: number;
  name?: string;
  /** TLS (CA, client certificate) and basic auth; credentials may also be in `url`. */
  security?: HttpClientSecurity;
}

export type SinkSettings =
  | {kind: 'stdout'; out: NodeJS.WritableStream; render?: (event: Event) => Buffer}
  /** A copy into another topic (records keep their keys); with a transactional id, exactly once. */
  | {kind: 'kafka'; name?: string; brokers: string[]; topic: string; transactionalId?: string; compression?: CompressionName}
  | ({kind: 'file'} & FileRollOptions)
  | ({kind: 'hbase'} & HBaseSinkSettings);

/** HTTP timeout for the gateway: shorter than a real gateway's own retry budget (B.6). */
const HBASE_TIMEOUT_MS = 10_000;

/** The sink a drain, a replay or an agent file asks for. */
export function openSink(settings: SinkSettings): Sink {
  switch (settings.kind) {
    case 'stdout':
      return new StdoutSink({out: settings.out, render: settings.render});
    case 'file':
      return new FileRollSink(settings);
    case 'kafka':
      return new KafkaSink({name: settings.name ?? `kafka-${settings.topic}`, brokers: settings.brokers, topic: settings.topic, key: (e) => e.kafka?.key ?? null, transactionalId: settings.transactionalId, compression: settings.compression});
    case 'hbase': {
      let url: URL;
      try {
        url = new URL(settings.url);
      } catch {
        throw new UserError(`invalid --hbase-url "${redactUrl(settings.url)}"`, 'use the REST gateway address, e.g. http://127.0.0.1:8080');
      }
      const mapping = compileRowMapping({family: settings.family, columns: settings.columns, rowKey: settings.rowKey, delimiter: settings.delimiter});
      const client = new HBaseRestClient(url.toString().replace(/\/$/, ''), {timeoutMs: settings.timeoutMs ?? HBASE_TIMEOUT_MS, security: settings.security});
      return new HBaseSink({client, url: client.baseUrl, table: settings.table, family: settings.family, toRow: mapping, encodeRow: mapping.encode, createTable: settings.createTable, name: settings.name});
    }
  }
}
