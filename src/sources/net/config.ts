import {z} from 'zod';
import {byteSize} from '../../lib/config-units.js';
import {DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_PENDING_REQUESTS, HttpSource} from './http-source.js';
import {DEFAULT_BIND} from './listen.js';
import {DEFAULT_MAX_LINE_LENGTH, NetcatSource} from './netcat-source.js';
import {DEFAULT_EVENT_SIZE, SyslogTcpSource} from './syslog-tcp-source.js';
import {SyslogUdpSource} from './syslog-udp-source.js';
import {sourceTlsOptions, sourceTlsSchema} from './tls-config.js';
import type {Source} from '../../pipeline/source.js';

/**
 * Agent-file keys of the network sources, without the keys every source has (channels,
 * interceptors, selector, batchSize): the agent schema adds those. Names follow Flume's where it
 * has one (bind, port, eventSize, keepFields, clientIPHeader); `bind` is Flume's `host` of the
 * syslog sources, and every source listens on 127.0.0.1 unless bind says otherwise.
 */

const bind = z.string().min(1).default(DEFAULT_BIND);
const port = z.number().int().min(0).max(65_535);

export const netcatSourceSchema = z.strictObject({
  type: z.literal('netcat'),
  bind,
  port,
  /** Flume's ack-every-event: answer OK per line once it is safe in the channel. */
  ack: z.boolean().default(false),
  /** Flume's max-line-length: bytes of a line including its newline. */
  maxLineLength: z.number().int().min(2).default(DEFAULT_MAX_LINE_LENGTH),
});

export const syslogTcpSourceSchema = z.strictObject({
  type: z.literal('syslogtcp'),
  bind,
  port,
  /** Largest message in bytes; a longer one is cut, marked Incomplete and rejected. */
  eventSize: z.number().int().min(16).default(DEFAULT_EVENT_SIZE),
  /** Keep the whole message (priority, timestamp, hostname...) as the body, like Flume's keepFields = all. */
  keepFields: z.boolean().default(false),
  clientIPHeader: z.string().min(1).optional(),
  /** Syslog over TLS (RFC 5425; its port is 6514). */
  tls: sourceTlsSchema.optional(),
});

export const syslogUdpSourceSchema = z.strictObject({
  type: z.literal('syslogudp'),
  bind,
  port,
  keepFields: z.boolean().default(false),
  clientIPHeader: z.string().min(1).optional(),
});

export const httpSourceSchema = z.strictObject({
  type: z.literal('http'),
  bind,
  port,
  maxBodyBytes: byteSize.default(DEFAULT_MAX_BODY_BYTES),
  maxPendingRequests: z.number().int().positive().default(DEFAULT_MAX_PENDING_REQUESTS),
  /** HTTPS, with client certificates when clientAuth says so. */
  tls: sourceTlsSchema.optional(),
  /** Senders must give this user and password (the password from `${ENV}` rather than the file). */
  basicAuth: z.strictObject({username: z.string().min(1), password: z.string().min(1)}).optional(),
});

export type NetSourceConfig = z.output<typeof netcatSourceSchema> | z.output<typeof syslogTcpSourceSchema> | z.output<typeof syslogUdpSourceSchema> | z.output<typeof httpSourceSchema>;

export function createNetSource(name: string, config: NetSourceConfig, batchSize?: number): Source {
  switch (config.type) {
    case 'netcat':
      return new NetcatSource({name, bind: config.bind, port: config.port, ack: config.ack, maxLineLength: config.maxLineLength, batchSize});
    case 'syslogtcp':
      return new SyslogTcpSource({name, bind: config.bind, port: config.port, eventSize: config.eventSize, keepFields: config.keepFields, clientIPHeader: config.clientIPHeader, batchSize, tls: config.tls && sourceTlsOptions(config.tls, `sources.${name}.tls`)});
    case 'syslogudp':
      return new SyslogUdpSource({name, bind: config.bind, port: config.port, keepFields: config.keepFields, clientIPHeader: config.clientIPHeader, batchSize});
    case 'http':
      return new HttpSource({name, bind: config.bind, port: config.port, maxBodyBytes: config.maxBodyBytes, maxPendingRequests: config.maxPendingRequests, tls: config.tls && sourceTlsOptions(config.tls, `sources.${name}.tls`), basicAuth: config.basicAuth});
  }
}
