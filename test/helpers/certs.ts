import fs from 'node:fs';
import path from 'node:path';
import {runOk} from './run.js';
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

const openssl = (dir: string, args: string[]) => runOk('openssl', args, {cwd: dir});

/** Issues `name`.pem/.key for `subject` signed by ca (P-256 keys: fast to make). */
async function issue(dir: string, name: string, subject: string, ca: string, san?: string): Promise<void> {
  await openssl(dir, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  const ext = `${name}.ext`;
  fs.writeFileSync(path.join(dir, ext), san ? `subjectAltName=${san}\n` : 'basicConstraints=CA:FALSE\n');
  await openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', ext]);
}

async function selfSignedCa(dir: string, name: string, subject: string): Promise<void> {
  await openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', subject]);
}

/** A development PKI made with openssl, as a user would for a test cluster. */
export async function makeCerts(dir: string, serverCn = 'localhost'): Promise<TestCerts> {
  await selfSignedCa(dir, 'ca', '/CN=kcollect-test-ca');
  await selfSignedCa(dir, 'other-ca', '/CN=someone-else-ca');
  await issue(dir, 'server', `/CN=${serverCn}`, 'ca', 'DNS:localhost,IP:127.0.0.1');
  await issue(dir, 'alice', '/O=kcollect-test/CN=alice', 'ca');
  await issue(dir, 'stranger', '/CN=alice', 'other-ca');
  const keyPassword = 'keystore-secret';
  await openssl(dir, ['pkcs8', '-topk8', '-in', 'server.key', '-out', 'server-enc.key', '-v2', 'aes-256-cbc', '-passout', `pass:${keyPassword}`]);
  const clientKeyPassword = 'alice-key-secret';
  await openssl(dir, ['pkcs8', '-topk8', '-in', 'alice.key', '-out', 'alice-enc.key', '-v2', 'aes-256-cbc', '-passout', `pass:${clientKeyPassword}`]);
  const keystore = path.join(dir, 'server-keystore.pem');
  fs.writeFileSync(keystore, fs.readFileSync(path.join(dir, 'server.pem'), 'utf8') + fs.readFileSync(path.join(dir, 'server-enc.key'), 'utf8'));
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
