import type {Event} from '../pipeline/event.js';
import type {Interceptor} from '../pipeline/interceptor.js';
import {UserError} from '../lib/errors.js';
import {compileJavaRegex} from './java-regex.js';

export interface SearchReplaceOptions {
  searchPattern: string;
  /** Java replaceAll syntax: `$1` or `${name}` for groups, `\$` for a dollar sign. Default empty. */
  replaceString?: string;
}

type Piece = string | number | {name: string};

/** Flume's `search_replace`: every match in the body replaced (Java's String.replaceAll). */
export class SearchReplaceInterceptor implements Interceptor {
  readonly type = 'search_replace';
  private readonly regex: RegExp;
  private readonly pieces: Piece[];

  constructor(options: SearchReplaceOptions) {
    this.regex = compileJavaRegex(options.searchPattern, 'search_replace searchPattern', true);
    const groups = new RegExp(`${this.regex.source}|`).exec('')!.length - 1;
    this.pieces = parseReplacement(options.replaceString ?? '', groups);
  }

  intercept(event: Event): Event {
    const text = event.body.toString('utf8');
    const replaced = text.replace(this.regex, (...args) => {
      const named = typeof args[args.length - 1] === 'object' ? (args[args.length - 1] as Record<string, string | undefined>) : {};
      let out = '';
      for (const p of this.pieces) {
        if (typeof p === 'string') out += p;
        else if (typeof p === 'number') out += (args[p] as string | undefined) ?? '';
        else out += named[p.name] ?? '';
      }
      return out;
    });
    if (replaced !== text) event.body = Buffer.from(replaced, 'utf8');
    return event;
  }
}

/**
 * Java's replacement syntax (which differs from JavaScript's `$$`): `\x` is a literal x, `$n`
 * takes as many digits as still name an existing group, `${name}` a named group.
 */
export function parseReplacement(replacement: string, groups: number): Piece[] {
  const pieces: Piece[] = [];
  let literal = '';
  const bad = (why: string) => new UserError(`invalid search_replace replaceString "${replacement}": ${why}`, 'refer to groups as $1 or ${name}; write \\$ for a dollar sign');
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c === '\\') {
      if (i + 1 >= replacement.length) throw bad('it ends with a lone backslash');
      literal += replacement[++i];
    } else if (c === '$') {
      if (literal) pieces.push(literal);
      literal = '';
      if (replacement[i + 1] === '{') {
        const end = replacement.indexOf('}', i + 2);
        if (end < 0) throw bad('unclosed ${');
        pieces.push({name: replacement.slice(i + 2, end)});
        i = end;
      } else {
        let j = i + 1;
        if (!/\d/.test(replacement[j] ?? '')) throw bad('$ is not followed by a group number');
        let group = Number(replacement[j++]);
        if (group > groups) throw bad(`there is no group ${group}`);
        while (j < replacement.length && /\d/.test(replacement[j]) && group * 10 + Number(replacement[j]) <= groups) group = group * 10 + Number(replacement[j++]);
        pieces.push(group);
        i = j - 1;
      }
    } else {
      literal += c;
    }
  }
  if (literal) pieces.push(literal);
  return pieces;
}
