import {Flags} from '#oclif';
import {parseBasicAuth, readPemFile, type HttpClientSecurity, type HttpServerSecurity} from '../lib/http-security.js';
import {UserError} from '../lib/errors.js';

/**
 * TLS and basic auth of the REST services (HBase gateway, Schema Registry): client flags for the
 * commands that call them, server flags for the emulators. `service` names the flags (`hbase`
 * gives --hbase-ca, KCOLLECT_HBASE_CA, ...).
 */
export function httpClientFlags<S extends 'hbase' | 'registry'>(service: S, label: string): Record<`${S}-${'ca' | 'cert' | 'key' | 'user' | 'password'}`, ReturnType<typeof Flags.string>> {
  const env = `KCOLLECT_${service.toUpperCase()}`;
  return {
    [`${service}-ca`]: Flags.string({env: `${env}_CA`, description: `CA certificate (PEM) trusted for an https ${label}`}),
    [`${service}-cert`]: Flags.string({env: `${env}_CERT`, description: `client certificate (PEM) for an https ${label} that asks for one`}),
    [`${service}-key`]: Flags.string({env: `${env}_KEY`, description: `key (PEM) of --${service}-cert`}),
    [`${service}-user`]: Flags.string({env: `${env}_USER`, description: `basic-auth user of the ${label} (or user:password@ in the URL)`}),
    [`${service}-password`]: Flags.string({env: `${env}_PASSWORD`, description: `basic-auth password of the ${label} (prefer the env var: flags show in ps)`}),
  } as Record<`${S}-${'ca' | 'cert' | 'key' | 'user' | 'password'}`, ReturnType<typeof Flags.string>>;
}

/** The client security the flags of httpClientFlags(service) give. */
export function httpClientSecurity(service: 'hbase' | 'registry', flags: Record<string, unknown>): HttpClientSecurity {
  const flag = (name: string) => flags[`${service}-${name}`] as string | undefined;
  const pem = (name: string) => {
    const file = flag(name);
    return file === undefined ? undefined : readPemFile(file, `--${service}-${name}`);
  };
  const cert = pem('cert');
  const key = pem('key');
  if ((cert === undefined) !== (key === undefined)) throw new UserError(`--${service}-cert and --${service}-key go together`, 'give the client certificate and its key');
  const out: HttpClientSecurity = {ca: pem('ca'), cert, key, username: flag('user'), password: flag('password')};
  if (out.password !== undefined && out.username === undefined) throw new UserError(`--${service}-password needs --${service}-user`, 'basic auth sends both');
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** `hbase serve` and `registry serve`: serve https, ask for client certificates, require basic auth. */
export const httpServerFlags = {
  'tls-cert': Flags.string({env: 'KCOLLECT_SERVE_TLS_CERT', description: 'serve https with this certificate (PEM, the chain first)'}),
  'tls-key': Flags.string({env: 'KCOLLECT_SERVE_TLS_KEY', description: 'key (PEM) of --tls-cert'}),
  'tls-client-ca': Flags.string({env: 'KCOLLECT_SERVE_TLS_CLIENT_CA', description: 'require client certificates signed by this CA (PEM)'}),
  'basic-auth': Flags.string({env: 'KCOLLECT_SERVE_BASIC_AUTH', description: 'require HTTP basic auth as USER:PASSWORD (prefer the env var: flags show in ps); others get 401'}),
};

export function httpServerSecurity(flags: {'tls-cert'?: string; 'tls-key'?: string; 'tls-client-ca'?: string; 'basic-auth'?: string}): HttpServerSecurity {
  const security: HttpServerSecurity = {};
  if ((flags['tls-cert'] === undefined) !== (flags['tls-key'] === undefined)) throw new UserError('--tls-cert and --tls-key go together', 'give the server certificate and its key');
  if (flags['tls-client-ca'] !== undefined && flags['tls-cert'] === undefined) throw new UserError('--tls-client-ca needs --tls-cert and --tls-key', 'client certificates are asked for over https only');
  if (flags['tls-cert'] !== undefined) {
    security.tls = {cert: readPemFile(flags['tls-cert'], '--tls-cert'), key: readPemFile(flags['tls-key']!, '--tls-key')};
    if (flags['tls-client-ca'] !== undefined) security.tls.clientCa = readPemFile(flags['tls-client-ca'], '--tls-client-ca');
  }
  if (flags['basic-auth'] !== undefined) security.basicAuth = parseBasicAuth(flags['basic-auth'], '--basic-auth');
  return security;
}
