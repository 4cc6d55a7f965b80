import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {tempDir} from './broker.js';
import {hasCommand, requireTool} from './system-deps.js';

export const haveOpenssl = (): boolean => requireTool('openssl', hasCommand('openssl'));

export interface TestCerts {
  dir: string;
  /** The CA certificate (PEM) that signed everything below. */
  ca: string;
  /** Server certificate for 127.0.0.1 and localhost, and its key. */
  serverCert: string;
  serverKey: string;
  /** Client certificate (CN=client) and its key, encrypted with `clientKeyPassword`. */
  clientCert: string;
  clientKey: string;
  clientKeyPassword: string;
  /** A second CA, which signed nothing here: a client trusting it trusts no server. */
  otherCa: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']});
}

/** A throwaway CA with a server and a client certificate, made with openssl. */
export function makeTestCerts(): TestCerts {
  const dir = tempDir('certs');
  const selfSigned = (name: string) => openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`]);
  selfSigned('ca');
  selfSigned('other-ca');
  const sign = (name: string, subject: string, ext: string, keyArgs: string[]) => {
    openssl(dir, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', ...keyArgs, '-out', `${name}.key`]);
    openssl(dir, ['req', '-new', '-key', `${name}.key`, ...(keyArgs.length ? ['-passin', 'pass:client-key-pw'] : []), '-subj', subject, '-out', `${name}.csr`]);
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
  };
  sign('server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n', []);
  sign('client', '/CN=client', 'extendedKeyUsage=clientAuth\n', ['-aes-256-cbc', '-pass', 'pass:client-key-pw']);
  const at = (f: string) => path.join(dir, f);
  return {dir, ca: at('ca.pem'), serverCert: at('server.pem'), serverKey: at('server.key'), clientCert: at('client.pem'), clientKey: at('client.key'), clientKeyPassword: 'client-key-pw', otherCa: at('other-ca.pem')};
}
