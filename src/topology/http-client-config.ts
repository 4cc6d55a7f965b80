import {z} from 'zod';
import {readPemFile, type HttpClientSecurity} from '../lib/http-security.js';
import {resolveSecretReference} from '../lib/secret-reference.js';
import {definedOnly} from '../lib/size.js';

/**
 * An agent file's keys for an HTTP service it calls (the HBase REST gateway, the Schema
 * Registry): `tls:` PEM files (the CA that signed the server's certificate; a client
 * certificate when it asks for one) and `basicAuth:`. Secrets may be `${env:NAME}` or `${file:PATH}`.
 */
export const httpClientKeys = {
  tls: z
    .strictObject({ca: z.string().min(1).optional(), cert: z.string().min(1).optional(), key: z.string().min(1).optional(), keyPassword: z.string().min(1).optional()})
    .refine((t) => (t.cert === undefined) === (t.key === undefined), {message: 'tls.cert and tls.key go together: the client certificate and its key', path: ['key']})
    .optional(),
  basicAuth: z.strictObject({username: z.string().min(1), password: z.string().min(1)}).optional(),
};

type HttpClientKeys = {[K in keyof typeof httpClientKeys]?: z.output<(typeof httpClientKeys)[K]>};

/** The client side of those keys; `where` names them in errors (e.g. `sinks.hbase`). */
export function httpClientSecurityOf(config: HttpClientKeys, where: string): HttpClientSecurity | undefined {
  const {tls, basicAuth} = config;
  if (!tls && !basicAuth) return undefined;
  const pem = (key: 'ca' | 'cert' | 'key') => (tls?.[key] === undefined ? undefined : readPemFile(tls[key], `${where}.tls.${key}`));
  return definedOnly<HttpClientSecurity>({
    ca: pem('ca'),
    cert: pem('cert'),
    key: pem('key'),
    keyPassword: tls?.keyPassword === undefined ? undefined : resolveSecretReference(tls.keyPassword, `${where}.tls.keyPassword`),
    username: basicAuth?.username,
    password: basicAuth === undefined ? undefined : resolveSecretReference(basicAuth.password, `${where}.basicAuth.password`),
  });
}
