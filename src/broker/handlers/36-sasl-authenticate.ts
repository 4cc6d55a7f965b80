// SaslAuthenticate 0-2: one SASL token per request after SaslHandshake v1. A failure answers
// SASL_AUTHENTICATION_FAILED and closes the connection, as Kafka does. No re-authentication
// (KIP-368): the session lifetime is 0.
import {ErrorCode} from '../../protocol/errors.js';
import {SaslAuthenticate} from '../../protocol/messages/36-sasl-authenticate.js';
import type {Handler} from '../handler.js';
import {saslStep} from './17-sasl-handshake.js';

export const saslAuthenticateHandler: Handler = {
  api: SaslAuthenticate,
  minVersion: 0,
  maxVersion: 2,
  handle(request, {broker, session, clientAddress}) {
    if (!session.sasl || session.sasl.raw || session.authenticated) {
      session.closeAfterReply = true;
      return {errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate without a SaslHandshake v1, or after authentication', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0};
    }
    const out = saslStep(request.authBytes as Buffer, session, broker, clientAddress);
    if ('failure' in out) return {errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: out.failure, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0};
    return {errorCode: ErrorCode.NONE, errorMessage: null, authBytes: out.response, sessionLifetimeMs: 0};
  },
};
