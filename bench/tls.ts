/**
 * The `tls` scenario's broker: one kcollect broker with a PLAINTEXT and an SSL listener (a
 * development CA and server certificate made with openssl), so the same kcat loads measure what
 * TLS costs on the same broker in the same run.
 */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {freePort} from '../src/lib/ports.js';
import {KcollectPeer, type Peer} from './peers.js';

function devCertificates(dir: string): {ca: string; keystore: string} {
  fs.mkdirSync(dir, {recursive: true});
  const openssl = (args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: 'ignore'});
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=kcollect-bench-ca']);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'broker.key', '-out', 'broker.csr', '-subj', '/CN=localhost']);
  fs.writeFileSync(path.join(dir, 'broker.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(['x509', '-req', '-in', 'broker.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'broker.pem', '-days', '2', '-extfile', 'broker.ext']);
  const keystore = path.join(dir, 'broker-keystore.pem');
  fs.writeFileSync(keystore, fs.readFileSync(path.join(dir, 'broker.pem'), 'utf8') + fs.readFileSync(path.join(dir, 'broker.key'), 'utf8'));
  return {ca: path.join(dir, 'ca.pem'), keystore};
}

/** The broker, and two views of it: its PLAINTEXT listener and its SSL one (kcat with the CA). */
export async function startTlsBroker(dir: string): Promise<{broker: KcollectPeer; plaintext: Peer; tls: Peer}> {
  const {ca, keystore} = devCertificates(path.join(dir, 'certs'));
  const [plainPort, sslPort] = [await freePort(), await freePort()];
  const config = path.join(dir, 'server.properties');
  fs.writeFileSync(config, [`listeners=PLAINTEXT://127.0.0.1:${plainPort},SSL://127.0.0.1:${sslPort}`, 'ssl.keystore.type=PEM', `ssl.keystore.location=${keystore}`, 'ssl.truststore.type=PEM', `ssl.truststore.location=${ca}`, ''].join('\n'));
  const broker = await KcollectPeer.start({dataDir: path.join(dir, 'data'), configFile: config});
  const view = (name: string, port: number, clientArgs: string[] = []): Peer => ({name, bootstrap: `127.0.0.1:${port}`, pid: broker.pid, clientArgs, stop: () => broker.stop()});
  return {broker, plaintext: view('plaintext', plainPort), tls: view('tls', sslPort, ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${ca}`])};
}
