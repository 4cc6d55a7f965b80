import fs from 'node:fs';
import type {X509Certificate} from 'node:crypto';
import tls from 'node:tls';
import {UserError} from '../lib/errors.js';
import type {TlsSettings} from './listener.js';

/** Reads the PEM stores into a secure context; a bad file or password names its key. */
export function secureContextOptions(s: TlsSettings, listener: string): tls.SecureContextOptions {
  const keystore = readPem(s.keystoreLocation, 'ssl.keystore.location', listener);
  const options: tls.SecureContextOptions = {
    cert: keystore,
    key: keystore,
    passphrase: s.keyPassword,
    minVersion: s.enabledProtocols.includes('TLSv1.2') ? 'TLSv1.2' : 'TLSv1.3',
    maxVersion: s.enabledProtocols.includes('TLSv1.3') ? 'TLSv1.3' : 'TLSv1.2',
  };
  if (s.truststoreLocation) options.ca = readPem(s.truststoreLocation, 'ssl.truststore.location', listener);
  // Node sorts TLS_* (TLS 1.3) names from OpenSSL's TLS 1.2 ones itself.
  if (s.cipherSuites.length > 0) options.ciphers = s.cipherSuites.join(':');
  try {
    tls.createSecureContext(options);
  } catch (err) {
    const m = (err as Error).message;
    const hint = /bad decrypt|passphrase|PEM_read_bio/.test(m) ? 'check ssl.key.password and that ssl.keystore.location holds the certificate chain followed by its private key' : 'check the PEM files';
    throw new UserError(`listener ${listener}: the TLS keystore ${s.keystoreLocation} cannot be used: ${m}`, hint);
  }
  return options;
}

function readPem(file: string, key: string, listener: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UserError(`listener ${listener}: ${key}=${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, `point ${key} at a PEM file`);
  }
}

/** A TLS listener's server. */
export function tlsServer(s: TlsSettings, listener: string): tls.Server {
  return tls.createServer(tlsServerOptions(s, listener));
}

function tlsServerOptions(s: TlsSettings, listener: string): tls.TlsOptions {
  return {
    ...secureContextOptions(s, listener),
    requestCert: s.clientAuth !== 'none',
    // "requested" lets a client without a certificate in (as ANONYMOUS); a bad one is still refused below.
    rejectUnauthorized: s.clientAuth === 'required',
  };
}

/**
 * A TLS listener's certificates, re-read when the keystore or truststore file changes or when
 * reload() is called (SIGHUP): new connections get the new ones, open ones keep theirs.
 */
export class CertificateReloader {
  private readonly files: string[];
  private readonly onChange = () => this.reload();

  constructor(
    private readonly server: tls.Server,
    private readonly settings: TlsSettings,
    private readonly listener: string,
    private readonly log: (line: string) => void,
  ) {
    this.files = [settings.keystoreLocation, settings.truststoreLocation].filter((f): f is string => f !== undefined);
    for (const f of this.files) fs.watchFile(f, {interval: 1000, persistent: false}, this.onChange);
  }

  reload(): boolean {
    try {
      this.server.setSecureContext(secureContextOptions(this.settings, this.listener));
      this.log(`listener ${this.listener}: reloaded TLS certificates from ${this.files.join(', ')}`);
      return true;
    } catch (err) {
      this.log(`listener ${this.listener}: keeping the previous TLS certificates: ${(err as Error).message}`);
      return false;
    }
  }

  close(): void {
    for (const f of this.files) fs.unwatchFile(f, this.onChange);
  }
}

/**
 * Kafka's DEFAULT ssl.principal.mapping.rules: the certificate subject as an RFC 2253 name, most
 * specific part first (CN=alice,OU=eng,O=acme,C=KR). Node lists the parts in issue order.
 */
export function certificatePrincipal(socket: tls.TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  const cert: X509Certificate | undefined = socket.getPeerX509Certificate();
  if (!cert) return undefined;
  const parts = cert.subject.split('\n').filter(Boolean).reverse();
  return `User:${parts.map(escapeRdn).join(',')}`;
}

function escapeRdn(part: string): string {
  const eq = part.indexOf('=');
  const value = part.slice(eq + 1).replace(/([,+"\\<>;])/g, '\\$1');
  return `${part.slice(0, eq)}=${value}`;
}
