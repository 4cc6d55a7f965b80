import path from 'node:path';
import {encryptKey, issueCertificate, selfSignedCa, writeKeystore} from '../../src/security/dev-certs.js';
import {hasCommand, requireTool} from './system-deps.js';

export const haveOpenssl = (): boolean => requireTool('openssl', hasCommand('openssl'));

export interface TestCerts {
  dir: string;
  /** The CA that signs the broker's and alice's certificates (the truststore). */
  ca: string;
  /** The broker's keystore: certificate then private key encrypted with `keyPassword`. */
  keystore: string;
  keyPassword: string;
  /** The broker's certificate and its unencrypted key (for a TLS server of a test). */
  serverCert: string;
  serverKey: string;
  /** alice's client certificate and key (subject CN=alice,O=kcollect-test). */
  clientCert: string;
  clientKey: string;
  /** alice's key again, encrypted with `clientKeyPassword` (ssl.key.password). */
  clientKeyEncrypted: string;
  clientKeyPassword: string;
  /** The CA that signed the stranger: trusting it trusts no broker here. */
  otherCa: string;
  /** A certificate and key from a CA the broker does not trust. */
  strangerCert: string;
  strangerKey: string;
}

/** A development PKI made with openssl, as a user would for a test cluster. */
export async function makeCerts(dir: string, serverCn = 'localhost'): Promise<TestCerts> {
  await selfSignedCa(dir, 'ca', '/CN=kcollect-test-ca', 2);
  await selfSignedCa(dir, 'other-ca', '/CN=someone-else-ca', 2);
  await issueCertificate(dir, 'server', `/CN=${serverCn}`, 'ca', 2, 'DNS:localhost,IP:127.0.0.1');
  await issueCertificate(dir, 'alice', '/O=kcollect-test/CN=alice', 'ca', 2);
  await issueCertificate(dir, 'stranger', '/CN=alice', 'other-ca', 2);
  const keyPassword = 'keystore-secret';
  await encryptKey(dir, 'server.key', 'server-enc.key', keyPassword);
  const clientKeyPassword = 'alice-key-secret';
  await encryptKey(dir, 'alice.key', 'alice-enc.key', clientKeyPassword);
  const keystore = path.join(dir, 'server-keystore.pem');
  writeKeystore(keystore, path.join(dir, 'server.pem'), path.join(dir, 'server-enc.key'));
  return {
    dir,
    ca: path.join(dir, 'ca.pem'),
    keystore,
    keyPassword,
    serverCert: path.join(dir, 'server.pem'),
    serverKey: path.join(dir, 'server.key'),
    clientCert: path.join(dir, 'alice.pem'),
    clientKey: path.join(dir, 'alice.key'),
    clientKeyEncrypted: path.join(dir, 'alice-enc.key'),
    clientKeyPassword,
    otherCa: path.join(dir, 'other-ca.pem'),
    strangerCert: path.join(dir, 'stranger.pem'),
    strangerKey: path.join(dir, 'stranger.key'),
  };
}
