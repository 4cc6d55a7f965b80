import tls from 'node:tls';
import {z} from 'zod';
import {UserError, errorMessage} from '../../lib/errors.js';
import {readPemFile} from '../../lib/http-security.js';
import {resolveSecretReference} from '../../lib/secret-reference.js';
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
    /** The key's passphrase when it is encrypted: inline, `${env:NAME}` or `${file:PATH}`. */
    keyPassword: z.string().min(1).optional(),
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
  const options: tls.TlsOptions = {
    cert: readPemFile(config.cert, `${where}.cert`),
    key: readPemFile(config.key, `${where}.key`),
    ...(config.keyPassword !== undefined ? {passphrase: resolveSecretReference(config.keyPassword, `${where}.keyPassword`)} : {}),
    ...(config.ca !== undefined ? {ca: readPemFile(config.ca, `${where}.ca`)} : {}),
    requestCert: ask,
    // `requested`: a sender without a certificate is let in; one with a bad certificate never is.
    rejectUnauthorized: config.clientAuth === 'required',
    minVersion: 'TLSv1.2',
  };
  // A key that does not open (encrypted without keyPassword, a wrong one, not matching the
  // certificate) is a config error now, not a failure when the source starts listening.
  try {
    tls.createSecureContext(options);
  } catch (err) {
    throw new UserError(`${where}: ${config.cert} and ${config.key} do not make a usable certificate (${errorMessage(err)})`, `check ${where}.key is the certificate's key; an encrypted key needs ${where}.keyPassword`);
  }
  return options;
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
