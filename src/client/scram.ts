import {createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual} from 'node:crypto';

/** Kafka's SCRAM mechanisms and their hash (RFC 5802 with SHA-256/512, RFC 7677). */
const HASHES = {'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-512': 'sha512'} as const;
export type ScramMechanism = keyof typeof HASHES;

/** Kafka refuses fewer iterations (ScramMechanism.minIterations). */
const MIN_ITERATIONS = 4096;

/**
 * The client side of one SCRAM exchange (RFC 5802 section 3), without channel binding (`n,,`)
 * as Kafka does: first() -> server-first -> final() -> server-final -> verifyServer().
 */
export class ScramClient {
  private readonly hash: 'sha256' | 'sha512';
  private readonly clientFirstBare: string;
  private serverSignature?: Buffer;

  constructor(
    mechanism: ScramMechanism,
    username: string,
    private readonly password: string,
    private readonly nonce = randomBytes(24).toString('base64url'),
  ) {
    this.hash = HASHES[mechanism];
    this.clientFirstBare = `n=${saslName(username)},r=${nonce}`;
  }

  first(): string {
    return `n,,${this.clientFirstBare}`;
  }

  /** The client-final message proving the password, from the server-first message. */
  final(serverFirst: string): string {
    const attrs = attributes(serverFirst);
    const serverNonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterations = Number(attrs.get('i'));
    if (!serverNonce?.startsWith(this.nonce) || serverNonce.length === this.nonce.length) throw new Error('SCRAM: the server nonce does not extend ours');
    if (salt === undefined || !Number.isInteger(iterations)) throw new Error('SCRAM: the server-first message lacks salt or iterations');
    if (iterations < MIN_ITERATIONS) throw new Error(`SCRAM: ${iterations} iterations is below the minimum ${MIN_ITERATIONS}`);
    const salted = pbkdf2Sync(Buffer.from(this.password, 'utf8'), Buffer.from(salt, 'base64'), iterations, createHash(this.hash).digest().length, this.hash);
    const clientKey = this.hmac(salted, 'Client Key');
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const withoutProof = `c=biws,r=${serverNonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = this.hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]));
    this.serverSignature = this.hmac(this.hmac(salted, 'Server Key'), authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Checks the server-final message: the server knew the password too. */
  verifyServer(serverFinal: string): void {
    const attrs = attributes(serverFinal);
    const error = attrs.get('e');
    if (error !== undefined) throw new Error(`SCRAM: the server says ${error}`);
    const v = Buffer.from(attrs.get('v') ?? '', 'base64');
    if (!this.serverSignature || v.length !== this.serverSignature.length || !timingSafeEqual(v, this.serverSignature)) throw new Error('SCRAM: the server signature is wrong (not the server that holds these credentials)');
  }

  private hmac(key: Buffer, text: string): Buffer {
    return createHmac(this.hash, key).update(text, 'utf8').digest();
  }
}

/** RFC 5802 saslname: ',' and '=' escaped. */
function saslName(name: string): string {
  return name.replaceAll('=', '=3D').replaceAll(',', '=2C');
}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0], part.slice(2));
  }
  return out;
}
