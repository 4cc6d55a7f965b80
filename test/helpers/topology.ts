import fs from 'node:fs';
import path from 'node:path';
import {pickZkPort} from '../zk/helpers.js';

/** A shipped multi-broker topology file, moved to free ports, written into `dir`. */
export async function writeTopology(dir: string, kind: 'multi-broker-single-node' | 'multi-broker-multi-node'): Promise<string> {
  const shipped = fs.readFileSync(path.resolve(import.meta.dirname, `../../topology/${kind}.yaml`), 'utf8');
  const zkPort = await pickZkPort(kind === 'multi-broker-multi-node' ? 3 : 1);
  const brokerPort = zkPort + 3000;
  let text = shipped.replace('port: 2181', `port: ${zkPort}`);
  text = kind === 'multi-broker-multi-node' ? text.replaceAll('port: 9092', `port: ${brokerPort}`) : text.replace('port: 9092', `port: ${brokerPort}`).replace('port: 9093', `port: ${brokerPort + 1}`).replace('port: 9094', `port: ${brokerPort + 2}`);
  const file = path.join(dir, `${kind}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}
