/**
 * What `kcollect registry serve` and `kcollect schema ...` do behind their thin oclif classes:
 * talk to a Schema Registry (Confluent's or the emulator) and turn its refusals into UserErrors
 * that carry the registry's own reason.
 */
import type {HttpClientSecurity} from '../lib/http-security.js';
import {UserError} from '../lib/errors.js';
import {registryUserError} from '../registry/avro-encoder.js';
import {startRegistryEmulator, type RegistryEmulatorOptions} from '../registry/emulator/index.js';
import {RegistryRestClient} from '../registry/rest-client.js';

export interface RegisterResult {
  url: string;
  subject: string;
  id: number;
  version: number;
}

export interface SchemaResult {
  url: string;
  /** absent when fetched by id */
  subject?: string;
  version?: number;
  id: number;
  /** the schema as the registry holds it (JSON text) */
  schema: string;
}

export interface SubjectSummary {
  subject: string;
  versions: number[];
  latestId: number;
}

export interface ListResult {
  url: string;
  subjects: SubjectSummary[];
}

export async function registerSchema(url: string, subject: string, schema: string, security?: HttpClientSecurity): Promise<RegisterResult> {
  const client = new RegistryRestClient(url, undefined, security);
  return withRegistry(client, `registering the schema under ${subject}`, async () => {
    const id = await client.register(subject, schema);
    const {version} = await client.lookup(subject, schema);
    return {url: client.url, subject, id, version};
  });
}

export async function getSchema(url: string, which: {subject: string; version: number | 'latest'} | {id: number}, security?: HttpClientSecurity): Promise<SchemaResult> {
  const client = new RegistryRestClient(url, undefined, security);
  if ('id' in which) {
    return withRegistry(client, `getting schema ${which.id}`, async () => ({url: client.url, id: which.id, schema: (await client.schemaById(which.id)).schema}));
  }
  return withRegistry(client, `getting ${which.subject} version ${which.version}`, async () => {
    const found = await client.version(which.subject, which.version);
    return {url: client.url, subject: found.subject, version: found.version, id: found.id, schema: found.schema};
  });
}

export async function listSubjects(url: string, security?: HttpClientSecurity): Promise<ListResult> {
  const client = new RegistryRestClient(url, undefined, security);
  return withRegistry(client, 'listing subjects', async () => {
    const subjects: SubjectSummary[] = [];
    for (const subject of await client.subjects()) {
      const versions = await client.versions(subject);
      const latest = await client.version(subject, 'latest');
      subjects.push({subject, versions, latestId: latest.id});
    }
    return {url: client.url, subjects};
  });
}

/** Runs the emulator until SIGINT or SIGTERM; `out` gets the ready line. */
export async function serveRegistryUntilSignal(options: RegistryEmulatorOptions & {host: string; port: number}, out: (line: string) => void): Promise<void> {
  let emulator;
  try {
    emulator = await startRegistryEmulator(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`${options.host}:${options.port} is already in use`, 'stop the other server or pass --port with another port (0 picks a free one)');
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UserError(`cannot listen on ${options.host}:${options.port} (${code})`, 'pass --host with a local address and --port above 1023');
    throw err;
  }
  out(`Schema Registry emulator ready on ${emulator.url} (${options.dataDir ? `data dir ${options.dataDir}` : 'in memory'})`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`${signal}: stopping the Schema Registry emulator\n`);
      emulator.stop().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

async function withRegistry<T>(client: RegistryRestClient, doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw registryUserError(err, client.url, doing);
  }
}
