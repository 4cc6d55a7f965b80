import {z} from 'zod';
import {byteSize, durationMs} from '../lib/config-units.js';
import {readPemFile} from '../lib/http-security.js';
import {sourceTlsOptions, sourceTlsSchema} from '../sources/net/tls-config.js';
import {ForwardSink} from './forward-sink.js';
import {DEFAULT_MAX_FRAME_BYTES, ForwardSource} from './forward-source.js';

/**
 * Agent-file keys of the forward sink and source, without the keys every sink or source has
 * (channel, batchSize; channels, interceptors, ...): the agent schema adds those.
 */

const duration = durationMs.refine((ms) => ms > 0, {message: 'must be a positive duration, e.g. 500ms, 5s, 1m'});
const size = byteSize.refine((bytes) => bytes >= 1024, {message: 'must be at least 1KiB, e.g. 16MiB'});

/** The sender's side: the CA that signed the receiver's certificate, ours when it requires one. */
const senderTlsSchema = z
  .strictObject({ca: z.string().min(1), cert: z.string().min(1).optional(), key: z.string().min(1).optional()})
  .refine((t) => (t.cert === undefined) === (t.key === undefined), {message: 'tls.cert and tls.key go together: give the certificate (PEM file) and its key'});

export const forwardSinkSchema = z.strictObject({
  type: z.literal('forward'),
  /** The receiving agent's forward source. */
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  connectTimeout: duration.default(5000),
  /** A batch unacknowledged this long counts as maybe delivered (see ForwardSink). */
  ackTimeout: duration.default(20_000),
  tls: senderTlsSchema.optional(),
});

export const forwardSourceSchema = z.strictObject({
  type: z.literal('forward'),
  /** 127.0.0.1 by default; 0.0.0.0 (or an interface's address) to take batches from other hosts. */
  bind: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535),
  maxFrameBytes: size.default(DEFAULT_MAX_FRAME_BYTES),
  tls: sourceTlsSchema.optional(),
});

export type ForwardSinkConfig = z.output<typeof forwardSinkSchema>;
export type ForwardSourceConfig = z.output<typeof forwardSourceSchema>;

export function createForwardSink(name: string, config: ForwardSinkConfig): ForwardSink {
  const t = config.tls;
  const where = `sinks.${name}.tls`;
  const tlsOptions = t && {
    ca: readPemFile(t.ca, `${where}.ca`),
    ...(t.cert !== undefined ? {cert: readPemFile(t.cert, `${where}.cert`), key: readPemFile(t.key!, `${where}.key`)} : {}),
    minVersion: 'TLSv1.2' as const,
  };
  return new ForwardSink({name, host: config.host, port: config.port, connectTimeoutMs: config.connectTimeout, ackTimeoutMs: config.ackTimeout, tls: tlsOptions});
}

export function createForwardSource(name: string, config: ForwardSourceConfig): ForwardSource {
  return new ForwardSource({name, bind: config.bind, port: config.port, maxFrameBytes: config.maxFrameBytes, tls: config.tls && sourceTlsOptions(config.tls, `sources.${name}.tls`)});
}
