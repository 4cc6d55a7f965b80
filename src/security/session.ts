import type {ListenerConfig, SaslMechanism} from './listener.js';
import type {SaslExchange} from './sasl.js';

export const ANONYMOUS = 'User:ANONYMOUS';

/**
 * Who is on the other end of one connection: the listener it came in on, its principal (the
 * certificate subject on mTLS, the SASL user, else ANONYMOUS) and where its SASL exchange stands.
 */
export class Session {
  principal: string;
  /** The mechanism picked by SaslHandshake and its exchange, until authentication completes. */
  sasl?: {mechanism: SaslMechanism; exchange: SaslExchange; raw: boolean};
  authenticated: boolean;
  /** Set when the reply being written is the last one (failed authentication). */
  closeAfterReply = false;

  /** The client's IP as ACL hosts name it (an IPv4 client of a dual-stack listener without ::ffff:). */
  readonly clientHost: string;

  constructor(
    readonly listener: ListenerConfig,
    remoteAddress: string,
    certificatePrincipal?: string,
  ) {
    this.clientHost = remoteAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
    this.principal = certificatePrincipal ?? ANONYMOUS;
    this.authenticated = listener.sasl === undefined;
  }

  /** Before SASL authentication only ApiVersions and the handshake itself are served (KIP-152). */
  mayServe(apiKey: number): boolean {
    return this.authenticated || apiKey === 18 || apiKey === 17 || (apiKey === 36 && this.sasl !== undefined && !this.sasl.raw);
  }
}
