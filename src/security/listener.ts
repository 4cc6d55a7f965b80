/** Kafka's listener.security.protocol.map values. */
export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export type ClientAuth = 'none' | 'requested' | 'required';

/** A listener's TLS settings, Kafka's ssl.* keys with PEM stores (KIP-651). */
export interface TlsSettings {
  /** ssl.keystore.location: the certificate chain and the private key, PEM. */
  keystoreLocation: string;
  /** ssl.key.password: decrypts an encrypted private key. */
  keyPassword?: string;
  /** ssl.truststore.location: the CAs that client certificates must chain to, PEM. */
  truststoreLocation?: string;
  clientAuth: ClientAuth;
  /** ssl.enabled.protocols, among TLSv1.2 and TLSv1.3. */
  enabledProtocols: Array<'TLSv1.2' | 'TLSv1.3'>;
  /** ssl.cipher.suites in OpenSSL's names (converted from Kafka's IANA names); empty: Node's defaults. */
  cipherSuites: string[];
}

/** A listener's SASL settings: the mechanisms it offers and PlainLoginModule's users. */
export interface SaslSettings {
  mechanisms: SaslMechanism[];
  /** user_<name>="<password>" entries of PlainLoginModule. */
  plainUsers: Record<string, string>;
}

/** One entry of `listeners`, with its advertised address and security. */
export interface ListenerConfig {
  name: string;
  securityProtocol: SecurityProtocol;
  host: string;
  port: number;
  advertisedHost?: string;
  advertisedPort?: number;
  tls?: TlsSettings;
  sasl?: SaslSettings;
}

/** authorizer.class.name, super.users and allow.everyone.if.no.acl.found. */
export interface AuthorizerSettings {
  enabled: boolean;
  superUsers: string[];
  allowEveryoneIfNoAclFound: boolean;
}

export const isTls = (p: SecurityProtocol): boolean => p === 'SSL' || p === 'SASL_SSL';
export const isSasl = (p: SecurityProtocol): boolean => p === 'SASL_PLAINTEXT' || p === 'SASL_SSL';
