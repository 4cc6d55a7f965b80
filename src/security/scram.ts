import {nodeCrypto} from '../lib/lazy-builtins.js';

/** SCRAM (RFC 5802/7677) as Kafka uses it: the two SHA-2 variants, at least 4096 iterations. */
export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];
export const MIN_ITERATIONS = 4096;
export const MAX_ITERATIONS = 16384;

/** The wire code of a mechanism in Describe/AlterUserScramCredentials (ScramMechanism.java). */
export const SCRAM_MECHANISM_CODES: Record<ScramMechanism, number> = {'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2};
export const mechanismOfCode = (code: number): ScramMechanism | undefined => SCRAM_MECHANISMS.find((m) => SCRAM_MECHANISM_CODES[m] === code);

const HASH: Record<ScramMechanism, {name: string; bytes: number}> = {'SCRAM-SHA-256': {name: 'sha256', bytes: 32}, 'SCRAM-SHA-512': {name: 'sha512', bytes: 64}};

export interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

const hmac = (m: ScramMechanism, key: Buffer, data: string | Buffer): Buffer => nodeCrypto().createHmac(HASH[m].name, key).update(data).digest();
const hash = (m: ScramMechanism, data: Buffer): Buffer => nodeCrypto().createHash(HASH[m].name).update(data).digest();

export function saltedPassword(m: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  return nodeCrypto().pbkdf2Sync(Buffer.from(password.normalize('NFKC')), salt, iterations, HASH[m].bytes, HASH[m].name);
}

/** What the broker keeps: never the password, only keys derived from the salted password. */
export function credentialFromSalted(m: ScramMechanism, salted: Buffer, salt: Buffer, iterations: number): ScramCredential {
  return {salt, iterations, storedKey: hash(m, hmac(m, salted, 'Client Key')), serverKey: hmac(m, salted, 'Server Key')};
}

export function newCredential(m: ScramMechanism, password: string, iterations = MIN_ITERATIONS): ScramCredential {
  const salt = nodeCrypto().randomBytes(32);
  return credentialFromSalted(m, saltedPassword(m, password, salt, iterations), salt, iterations);
}

/** Kafka's text form, as kept under /config/users/<name>: salt=..,stored_key=..,server_key=..,iterations=N */
export function formatCredential(c: ScramCredential): string {
  return `salt=${c.salt.toString('base64')},stored_key=${c.storedKey.toString('base64')},server_key=${c.serverKey.toString('base64')},iterations=${c.iterations}`;
}

export function parseCredential(text: string): ScramCredential | undefined {
  const fields = new Map(text.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const salt = fields.get('salt');
  const storedKey = fields.get('stored_key');
  const serverKey = fields.get('server_key');
  const iterations = Number(fields.get('iterations'));
  if (!salt || !storedKey || !serverKey || !Number.isInteger(iterations)) return undefined;
  return {salt: Buffer.from(salt, 'base64'), storedKey: Buffer.from(storedKey, 'base64'), serverKey: Buffer.from(serverKey, 'base64'), iterations};
}

export class ScramFailure extends Error {}

/**
 * The server side of one SCRAM exchange: client-first -> server-first, client-final ->
 * server-final. Any mismatch throws ScramFailure, which the caller answers with
 * SASL_AUTHENTICATION_FAILED.
 */
export class ScramServer {
  private state: 'first' | 'final' | 'done' = 'first';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private credential?: ScramCredential;
  user = '';

  constructor(
    private readonly mechanism: ScramMechanism,
    private readonly lookup: (user: string) => ScramCredential | undefined,
  ) {}

  step(token: Buffer): {response: Buffer; done: boolean} {
    const text = token.toString('utf8');
    if (this.state === 'first') return this.first(text);
    if (this.state === 'final') return this.final(text);
    throw new ScramFailure('SCRAM exchange already complete');
  }

  private first(text: string): {response: Buffer; done: boolean} {
    // gs2 header: channel binding is not offered ("n" or "y"), an authzid may follow.
    const m = /^[ny],(?:a=[^,]*)?,(n=([^,]*),r=([^,]+)(?:,.*)?)$/.exec(text);
    if (!m) throw new ScramFailure('malformed SCRAM client-first message');
    this.clientFirstBare = m[1];
    this.user = m[2].replace(/=2C/g, ',').replace(/=3D/g, '=');
    this.credential = this.lookup(this.user);
    if (!this.credential) throw new ScramFailure(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}`);
    this.nonce = m[3] + nodeCrypto().randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.credential.salt.toString('base64')},i=${this.credential.iterations}`;
    this.state = 'final';
    return {response: Buffer.from(this.serverFirst), done: false};
  }

  private final(text: string): {response: Buffer; done: boolean} {
    const m = /^(c=[^,]*,r=([^,]*)(?:,[^p][^,]*)*),p=([^,]+)$/.exec(text);
    // Kafka accepts a nonce that ends with ours: librdkafka sends its own nonce again in front.
    if (!m || !m[2].endsWith(this.nonce)) throw new ScramFailure('malformed SCRAM client-final message or wrong nonce');
    const c = this.credential!;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${m[1]}`;
    const proof = Buffer.from(m[3], 'base64');
    const signature = hmac(this.mechanism, c.storedKey, authMessage);
    if (proof.length !== signature.length) throw new ScramFailure('invalid SCRAM proof');
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]));
    if (!nodeCrypto().timingSafeEqual(hash(this.mechanism, clientKey), c.storedKey)) {
      throw new ScramFailure(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}`);
    }
    this.state = 'done';
    return {response: Buffer.from(`v=${hmac(this.mechanism, c.serverKey, authMessage).toString('base64')}`), done: true};
  }
}
