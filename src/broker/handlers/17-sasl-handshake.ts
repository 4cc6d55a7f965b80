// SaslHandshake 0-1. v1 is followed by SaslAuthenticate requests; v0 (kafka-python 2.0) by raw
// SASL tokens, answered raw (see Connection). A listener without SASL refuses every mechanism.
import {ErrorCode} from '../../protocol/errors.js';
import {SaslHandshake} from '../../protocol/messages/17-sasl-handshake.js';
import type {SaslMechanism} from '../../security/listener.js';
import {SaslFailure, startExchange} from '../../security/sasl.js';
import {lookupScram} from '../../security/scram-credentials.js';
import type {Session} from '../../security/session.js';
import type {Broker} from '../broker.js';
import type {Handler} from '../handler.js';

export const saslHandshakeHandler: Handler = {
  api: SaslHandshake,
  minVersion: 0,
  maxVersion: 1,
  handle(request, {broker, session, header}) {
    const offered = session.listener.sasl?.mechanisms ?? [];
    if (session.authenticated || session.sasl) return {errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: offered};
    const mechanism = request.mechanism as SaslMechanism;
    if (!offered.includes(mechanism)) return {errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: offered};
    const exchange = startExchange(mechanism, session.listener.sasl!, (user, m) => lookupScram(broker.security, user, m));
    session.sasl = {mechanism, exchange, raw: header.apiVersion === 0};
    return {errorCode: ErrorCode.NONE, mechanisms: offered};
  },
};

/** One step of the exchange; on success the session takes the user as its principal. */
export function saslStep(token: Buffer, session: Session, broker: Broker, clientAddress: string): {response: Buffer} | {failure: string} {
  const sasl = session.sasl!;
  try {
    const {response, done} = sasl.exchange.step(token);
    if (done) {
      session.authenticated = true;
      session.principal = `User:${sasl.exchange.user}`;
    }
    return {response};
  } catch (err) {
    if (!(err instanceof SaslFailure)) throw err;
    broker.authFailures.write(`failed authentication from ${clientAddress} (listener ${session.listener.name}, ${sasl.mechanism}${sasl.exchange.user ? `, user ${sasl.exchange.user}` : ''}): ${err.message}`);
    session.closeAfterReply = true;
    return {failure: err.message};
  }
}

/** A token after SaslHandshake v0: the answer's bytes, or 'close' when authentication failed. */
export function rawSaslStep(token: Buffer, session: Session, broker: Broker, clientAddress: string): Buffer | 'close' {
  const out = saslStep(token, session, broker, clientAddress);
  return 'failure' in out ? 'close' : out.response;
}
