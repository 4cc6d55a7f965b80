/**
 * The `tls` scenario's broker: one kcollect broker with a PLAINTEXT and an SSL listener (a
 * development CA and server certificate made with openssl), so the same kcat loads measure what
 * TLS costs on the same broker in the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import {freePort} from '../src/lib/ports.js';
import {makeClusterCerts} from '../src/security/dev-certs.js';
import {KcollectPeer, type Peer} from './peers.js';

/** The broker, and two views of it: its PLAINTEXT listener and its SSL one (kcat with the CA). */
export async function startTlsBroker(dir: string): Promise<{broker: KcollectPeer; plaintext: Peer; tls: Peer}> {
  const certs = await makeClusterCerts(path.join(dir, 'certs'), [{id: 1, host: '127.0.0.1'}], 2);
  const [ca, keystore] = [certs.ca, certs.brokers[0].keystore];
  const [plainPort, sslPort] = [await freePort(), await freePort()];
  const config = path.join(dir, 'server.properties');
  fs.writeFileSync(config, [`listeners=PLAINTEXT://127.0.0.1:${plainPort},SSL://127.0.0.1:${sslPort}`, 'ssl.keystore.type=PEM', `ssl.keystore.location=${keystore}`, 'ssl.truststore.type=PEM', `ssl.truststore.location=${ca}`, ''].join('\n'));
  const broker = await KcollectPeer.start({dataDir: path.join(dir, 'data'), configFile: config});
  const view = (name: string, port: number, clientArgs: string[] = []): Peer => ({name, bootstrap: `127.0.0.1:${port}`, pid: broker.pid, clientArgs, stop: () => broker.stop()});
  return {broker, plaintext: view('plaintext', plainPort), tls: view('tls', sslPort, ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${ca}`])};
}
