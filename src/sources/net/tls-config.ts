import type tls from 'node:tls';
import {z} from 'zod';
import {errorMessage} from '../../lib/errors.js';
import {readPemFile} from '../../lib/http-security.js';
import type {SourceContext} from '../../pipeline/source.js';
import {peerHost} from './listen.js';

/**
 * The `tls:` block of a network source: serve TLS with `cert`/`key` (PEM files) and, with
 * `clientAuth`, ask senders for certificates signed by `ca`. `required` refuses a sender without
 * one (RFC 5425's mutual authentication); `requested` takes it when given and checks it then.
 */
export const sourceTlsSchema = z
  .strictObject({
    cert: z.string().min(1),
    key: z.string().min(1),
    ca: z.string().min(1).optional(),
    clientAuth: z.enum(['required', 'requested', 'none']).default('none'),
  })
  .refine((t) => t.clientAuth === 'none' || t.ca !== undefined, {
    message: 'tls.clientAuth required or requested needs tls.ca: the CA (PEM file) that signs the senders\' certificates',
    path: ['ca'],
  });

export type SourceTlsConfig = z.output<typeof sourceTlsSchema>;

/** Node's server options for the block; `where` names it in errors (e.g. `sources.syslog.tls`). */
export function sourceTlsOptions(config: SourceTlsConfig, where: string): tls.TlsOptions {
  const ask = config.clientAuth !== 'none';
  return {
    cert: readPemFile(config.cert, `${where}.cert`),
    key: readPemFile(config.key, `${where}.key`),
    ...(config.ca !== undefined ? {ca: readPemFile(config.ca, `${where}.ca`)} : {}),
    requestCert: ask,
    // `requested`: a sender without a certificate is let in; one with a bad certificate never is.
    rejectUnauthorized: config.clientAuth === 'required',
    minVersion: 'TLSv1.2',
  };
}

/**
 * A refused handshake (no or an untrusted certificate, plain TCP on a TLS port) ends that
 * connection only: logged with OpenSSL's reason and counted. With clientAuth `requested`, a
 * certificate that was given must be trusted too: checked before the source sees the connection.
 */
export function refuseUntrustedSenders<S extends tls.Server>(server: S, ctx: SourceContext): S {
  const refuse = (peer: string | undefined, reason: string) => {
    ctx.count('ConnectionRefusedCount');
    ctx.log(`TLS handshake from ${peerHost(peer)} refused: ${reason}`);
  };
  server.on('tlsClientError', (err: Error & {reason?: string}, socket) => refuse(socket.remoteAddress, err.reason ?? errorMessage(err)));
  server.prependListener('secureConnection', (socket: tls.TLSSocket) => {
    if (socket.authorized || Object.keys(socket.getPeerCertificate()).length === 0) return;
    refuse(socket.remoteAddress, `client certificate: ${errorMessage(socket.authorizationError)}`);
    socket.destroy();
  });
  return server;
}
