import {ErrorCode, errorInfo} from '../protocol/errors.js';
import {ApiVersions} from '../protocol/messages/18-api-versions.js';
import {SaslAuthenticate} from '../protocol/messages/36-sasl-authenticate.js';
import {SaslHandshake} from '../protocol/messages/17-sasl-handshake.js';
import {ClientSecurityError, type SaslSettings} from './client-config.js';
import {ScramClient} from './scram.js';
import type {WireConnection} from './wire-connection.js';

const HINT = 'check sasl.username and sasl.password (or sasl.jaas.config) and sasl.mechanism';

/**
 * Logs in on a fresh connection as Kafka clients do (KIP-152): ApiVersions, SaslHandshake v1
 * naming the mechanism, then the mechanism's tokens in SaslAuthenticate requests.
 */
export async function saslLogin(conn: WireConnection, sasl: SaslSettings): Promise<void> {
  await conn.negotiate(ApiVersions);
  if (!conn.supports(SaslHandshake)) {
    throw new ClientSecurityError(`the broker at ${conn.address} does not offer SASL (no SaslHandshake)`, 'this listener is not SASL_PLAINTEXT or SASL_SSL: check security.protocol and the port');
  }
  const hs = await conn.request(SaslHandshake, conn.pick(SaslHandshake, [1, 1]), {mechanism: sasl.mechanism});
  if (hs.errorCode === ErrorCode.UNSUPPORTED_SASL_MECHANISM) {
    throw new ClientSecurityError(`the broker at ${conn.address} does not enable SASL mechanism ${sasl.mechanism} (UNSUPPORTED_SASL_MECHANISM)`, `it enables ${hs.mechanisms.join(', ') || 'none'}: set sasl.mechanism to one of them`);
  }
  if (hs.errorCode !== 0) throw failed(conn, hs.errorCode);
  const version = conn.pick(SaslAuthenticate, [0, 2]);
  const exchange = async (token: string): Promise<string> => {
    const res = await conn.request(SaslAuthenticate, version, {authBytes: Buffer.from(token, 'utf8')});
    if (res.errorCode !== 0) throw failed(conn, res.errorCode, res.errorMessage);
    return Buffer.from(res.authBytes).toString('utf8');
  };
  if (sasl.mechanism === 'PLAIN') {
    // RFC 4616: authzid NUL authcid NUL passwd, with an empty authzid.
    await exchange(`\u0000${sasl.username}\u0000${sasl.password}`);
    return;
  }
  const scram = new ScramClient(sasl.mechanism, sasl.username, sasl.password);
  const serverFirst = await exchange(scram.first());
  let clientFinal: string;
  try {
    clientFinal = scram.final(serverFirst);
  } catch (err) {
    throw new ClientSecurityError(`SASL ${sasl.mechanism} with ${conn.address} failed: ${(err as Error).message}`, HINT);
  }
  const serverFinal = await exchange(clientFinal);
  try {
    scram.verifyServer(serverFinal);
  } catch (err) {
    throw new ClientSecurityError(`SASL ${sasl.mechanism} with ${conn.address} failed: ${(err as Error).message}`, HINT);
  }
}

function failed(conn: WireConnection, code: number, message?: string | null): ClientSecurityError {
  return new ClientSecurityError(`SASL login at ${conn.address} failed: ${errorInfo(code).name} (${code})${message ? `: ${message}` : ''}`, HINT);
}
