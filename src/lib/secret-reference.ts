import fs from 'node:fs';
import {UserError} from './errors.js';

const REFERENCE = /\$\{(?:(env|file):)?([^}]+)\}/g;

/**
 * A setting may name a secret instead of holding it, as Kafka's config providers do:
 * `${NAME}` or `${env:NAME}` (an environment variable), `${file:PATH}` (a file's text without
 * its final newline). `what` names the setting in errors (e.g. `client.properties:3: sasl.password`).
 */
export function resolveSecretReference(value: string, what: string): string {
  return value.replaceAll(REFERENCE, (_, provider: string | undefined, name: string) => {
    if (provider === 'file') {
      try {
        return fs.readFileSync(name, 'utf8').replace(/\r?\n$/, '');
      } catch (err) {
        throw new UserError(`${what}: cannot read ${name} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'give a readable file in ${file:PATH}');
      }
    }
    const v = process.env[name];
    if (v === undefined) throw new UserError(`${what}: environment variable ${name} is not set`, `export ${name}=... before running, or write the value itself`);
    return v;
  });
}
