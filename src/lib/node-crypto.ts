import {createRequire} from 'node:module';

// node:crypto takes about 10 ms to load, a tenth of a broker's start. The broker needs it only for
// SASL and the log cleaner's key hashes, so the modules on its start path load it on first use.
let loaded: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  return (loaded ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'));
}
