import {execFile} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {promisify} from 'node:util';
import {UserError} from '../lib/errors.js';

/**
 * A development PKI made with openssl, as one would by hand: a CA, and certificates it signs
 * (P-256 keys: quick to make, accepted by every client kcollect supports). For test clusters and
 * `kcollect cluster certs`; production clusters bring their own.
 */

const execFileP = promisify(execFile);

async function openssl(dir: string, args: string[]): Promise<void> {
  try {
    await execFileP('openssl', args, {cwd: dir});
  } catch (err) {
    const e = err as NodeJS.ErrnoException & {stderr?: string};
    if (e.code === 'ENOENT') throw new UserError('openssl is not installed', 'install it (apt-get install -y openssl) to make certificates');
    throw new UserError(`openssl ${args[0]} failed in ${dir}: ${(e.stderr ?? e.message).trim()}`, 'check that the directory is writable');
  }
}

const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** `name`.pem and `name`.key: a self-signed CA. */
export async function selfSignedCa(dir: string, name: string, subject: string, days: number): Promise<void> {
  await openssl(dir, ['req', '-x509', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', String(days), '-subj', subject]);
}

/** `name`.pem and `name`.key for `subject`, signed by the CA `ca`.pem/.key; `san` e.g. DNS:localhost,IP:127.0.0.1. */
export async function issueCertificate(dir: string, name: string, subject: string, ca: string, days: number, san?: string): Promise<void> {
  await openssl(dir, ['req', '-new', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  const ext = path.join(dir, `${name}.ext`);
  fs.writeFileSync(ext, san ? `subjectAltName=${san}\n` : 'basicConstraints=CA:FALSE\n');
  await openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', String(days), '-extfile', ext]);
  fs.rmSync(path.join(dir, `${name}.csr`), {force: true});
  fs.rmSync(ext, {force: true});
}

/** `key` encrypted with `password` (PKCS#8, AES-256) into `out`, for ssl.key.password. */
export async function encryptKey(dir: string, key: string, out: string, password: string): Promise<void> {
  await openssl(dir, ['pkcs8', '-topk8', '-in', key, '-out', out, '-v2', 'aes-256-cbc', '-passout', `pass:${password}`]);
}

/** A KIP-651 PEM keystore: the certificate, then its private key, in one file (mode 0600). */
export function writeKeystore(file: string, cert: string, key: string): void {
  fs.writeFileSync(file, fs.readFileSync(cert, 'utf8') + fs.readFileSync(key, 'utf8'), {mode: 0o600});
}

/** The files of a cluster's development PKI in `dir` (what `cluster certs` makes and `cluster up` reads). */
export const clusterCertFiles = (dir: string) => ({
  ca: path.join(dir, 'ca.pem'),
  caKey: path.join(dir, 'ca.key'),
  keystore: (brokerId: number) => path.join(dir, `broker-${brokerId}-keystore.pem`),
  clientCert: path.join(dir, 'client.pem'),
  clientKey: path.join(dir, 'client.key'),
});

export interface ClusterCertsResult {
  dir: string;
  ca: string;
  brokers: Array<{id: number; host: string; keystore: string; san: string}>;
  clientCert: string;
  clientKey: string;
  /** True when the CA was already there and signed the new certificates. */
  keptCa: boolean;
}

/**
 * A CA (kept when `dir` already has one, so clients that trust it keep working), a keystore per
 * broker whose names cover the broker's host, 127.0.0.1 and localhost, and a client certificate
 * (CN=kcollect) for listeners that require one.
 */
export async function makeClusterCerts(dir: string, brokers: Array<{id: number; host: string}>, days = 365): Promise<ClusterCertsResult> {
  fs.mkdirSync(dir, {recursive: true, mode: 0o700});
  const files = clusterCertFiles(dir);
  const keptCa = fs.existsSync(files.ca) && fs.existsSync(files.caKey);
  if (!keptCa) await selfSignedCa(dir, 'ca', '/CN=kcollect-dev-ca', days);
  const out: ClusterCertsResult['brokers'] = [];
  for (const b of brokers) {
    const san = [...new Set([`IP:${b.host}`, 'IP:127.0.0.1', 'DNS:localhost'])].join(',');
    const name = `broker-${b.id}`;
    await issueCertificate(dir, name, `/CN=kafka-broker-${b.id}`, 'ca', days, san);
    writeKeystore(files.keystore(b.id), path.join(dir, `${name}.pem`), path.join(dir, `${name}.key`));
    fs.rmSync(path.join(dir, `${name}.key`));
    out.push({id: b.id, host: b.host, keystore: files.keystore(b.id), san});
  }
  await issueCertificate(dir, 'client', '/CN=kcollect', 'ca', days);
  fs.chmodSync(files.clientKey, 0o600);
  return {dir, ca: files.ca, brokers: out, clientCert: files.clientCert, clientKey: files.clientKey, keptCa};
}
