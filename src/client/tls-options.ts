import net from 'node:net';
import type tls from 'node:tls';
import {nodeTls} from '../lib/lazy-builtins.js';
import {ClientSecurityError, type TlsSettings} from './client-config.js';

/** Node's TLS options for a client config's ssl.* settings: TLS 1.2 or 1.3, as Kafka allows. */
export function tlsOptions(host: string, port: number, s: TlsSettings): tls.ConnectionOptions {
  return {
    host,
    port,
    // SNI takes names only.
    servername: net.isIP(host) ? undefined : host,
    ca: s.ca,
    cert: s.cert,
    key: s.key,
    passphrase: s.keyPassword,
    minVersion: 'TLSv1.2',
    rejectUnauthorized: s.verifyCertificate,
    checkServerIdentity: s.verifyHostname ? nodeTls().checkServerIdentity : () => undefined,
  };
}

/** Errors of the TLS layer itself (certificates, handshake), as opposed to an absent broker. */
export function isTlsFailure(e: NodeJS.ErrnoException): boolean {
  return /CERT|SELF_SIGNED|ERR_SSL|ERR_TLS|EPROTO|UNABLE_TO|HOSTNAME|DEPTH_ZERO|ALTNAME/.test(`${e.code ?? ''} ${e.message}`) || /certificate|handshake|TLS|SSL/.test(e.message);
}

export function tlsFailure(address: string, e: NodeJS.ErrnoException): ClientSecurityError {
  const hostname = /ALTNAME|does not match|Hostname/i.test(`${e.code ?? ''} ${e.message}`);
  // OpenSSL's messages run over several lines; an error here is one.
  const message = e.message.replaceAll(/\s+/g, ' ').trim();
  return new ClientSecurityError(
    `TLS handshake with ${address} failed: ${message}${e.code && !message.includes(e.code) ? ` (${e.code})` : ''}`,
    hostname
      ? 'the broker certificate does not name this host: connect by a name it holds, or set ssl.endpoint.identification.algorithm=none'
      : 'check ssl.ca.location (the CA that signed the broker certificate), the client certificate and key, and that this port is an SSL or SASL_SSL listener',
  );
}
