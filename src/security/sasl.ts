import {nodeCrypto} from '../lib/lazy-builtins.js';
import type {SaslMechanism, SaslSettings} from './listener.js';
import {type ScramCredential, ScramFailure, type ScramMechanism, ScramServer} from './scram.js';

/** One SASL exchange on one connection; step() throws SaslFailure on bad credentials. */
export interface SaslExchange {
  step(token: Buffer): {response: Buffer; done: boolean};
  /** The authenticated user, once done. */
  readonly user: string;
}

export class SaslFailure extends Error {}

const INVALID = 'Authentication failed: Invalid username or password';

/** PLAIN (RFC 4616): one message, [authzid] NUL user NUL password, checked against the JAAS users. */
class PlainExchange implements SaslExchange {
  user = '';
  constructor(private readonly users: Record<string, string>) {}

  step(token: Buffer): {response: Buffer; done: boolean} {
    const parts = token.toString('utf8').split('\u0000');
    if (parts.length !== 3) throw new SaslFailure('Invalid SASL/PLAIN response: expected 3 tokens');
    const [authzid, user, password] = parts;
    if (authzid !== '' && authzid !== user) throw new SaslFailure('Authentication failed: Client requested an authorization id that is different from username');
    const expected = this.users[user];
    const given = Buffer.from(password);
    if (expected === undefined || Buffer.byteLength(expected) !== given.length || !nodeCrypto().timingSafeEqual(Buffer.from(expected), given)) throw new SaslFailure(INVALID);
    this.user = user;
    return {response: Buffer.alloc(0), done: true};
  }
}

class ScramExchange implements SaslExchange {
  private readonly server: ScramServer;
  constructor(mechanism: ScramMechanism, lookup: (user: string) => ScramCredential | undefined) {
    this.server = new ScramServer(mechanism, lookup);
  }

  get user(): string {
    return this.server.user;
  }

  step(token: Buffer): {response: Buffer; done: boolean} {
    try {
      return this.server.step(token);
    } catch (err) {
      if (err instanceof ScramFailure) throw new SaslFailure(err.message);
      throw err;
    }
  }
}

export function startExchange(mechanism: SaslMechanism, settings: SaslSettings, scramLookup: (user: string, mechanism: ScramMechanism) => ScramCredential | undefined): SaslExchange {
  if (mechanism === 'PLAIN') return new PlainExchange(settings.plainUsers);
  return new ScramExchange(mechanism, (user) => scramLookup(user, mechanism));
}
