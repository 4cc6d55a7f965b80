import {createRequire} from 'node:module';
import type http from 'node:http';
import type https from 'node:https';
import type tls from 'node:tls';

// Node built-ins that take milliseconds to load and are used only now and then, loaded on first
// use: node:crypto (~10 ms, a tenth of a broker's start) only for SASL and the log cleaner's key
// hashes; node:tls, node:http and node:https (~9 ms of a collector's start together) only with an
// SSL listener, a schema registry or an HTTP source or sink.
const load = createRequire(import.meta.url);
let cryptoModule: typeof import('node:crypto') | undefined;
let tlsModule: typeof tls | undefined;
let httpModule: typeof http | undefined;
let httpsModule: typeof https | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  return (cryptoModule ??= load('node:crypto') as typeof import('node:crypto'));
}

export function nodeTls(): typeof tls {
  return (tlsModule ??= load('node:tls') as typeof tls);
}

export function nodeHttp(): typeof http {
  return (httpModule ??= load('node:http') as typeof http);
}

export function nodeHttps(): typeof https {
  return (httpsModule ??= load('node:https') as typeof https);
}
