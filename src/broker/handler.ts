import type {Message} from '../protocol/codec.js';
import type {RequestHeader} from '../protocol/header.js';
import type {ApiSchema} from '../protocol/schema.js';
import type {Session} from '../security/session.js';
import type {Broker} from './broker.js';

export interface RequestContext {
  header: RequestHeader;
  broker: Broker;
  /** "host:port" of the client, for log lines and group member hosts. */
  clientAddress: string;
  /** Aborted when the client disconnects, so long polls stop waiting for nobody. */
  signal: AbortSignal;
  /** The connection's listener, principal and SASL state. */
  session: Session;
}

/**
 * One API of the broker. The versions it serves are declared here and nowhere else: the router
 * advertises exactly these in ApiVersions.
 */
export interface Handler {
  api: ApiSchema;
  minVersion: number;
  maxVersion: number;
  /** Returns the response body, or undefined for requests that get no response (acks=0). */
  handle(request: Message, ctx: RequestContext): Message | undefined | Promise<Message | undefined>;
}

/** A handler loaded on the first request of its key; its versions are known before that. */
export interface LazyHandler {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
  load(): Promise<Handler>;
}
