import {UserError} from '../lib/errors.js';

export interface JaasEntry {
  loginModule: string;
  options: Record<string, string>;
}

/**
 * Parses one sasl.jaas.config value: `<LoginModule class> required key="value" ...;`. Only the
 * `required` flag is meaningful for a broker's single login module; values may be quoted.
 */
export function parseJaasConfig(text: string, key: string): JaasEntry {
  const m = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b([\s\S]*?);?\s*$/.exec(text);
  if (!m) throw new UserError(`${key}: cannot read "${text.slice(0, 60)}"`, 'write it as: org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";');
  const options: Record<string, string> = {};
  const pair = /\s*([\w.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))/y;
  const rest = m[3];
  let at = 0;
  while (rest.slice(at).trim() !== '') {
    pair.lastIndex = at;
    const p = pair.exec(rest);
    if (!p) throw new UserError(`${key}: cannot read the options "${rest.slice(at).trim().slice(0, 40)}"`, 'options are name="value" pairs separated by blanks, ending in ;');
    options[p[1]] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
    at = pair.lastIndex;
  }
  return {loginModule: m[1], options};
}

export const PLAIN_LOGIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
export const SCRAM_LOGIN_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';
