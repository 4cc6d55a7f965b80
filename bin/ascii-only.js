// esbuild escapes non-ASCII characters in strings but leaves them in regular expression literals
// (oclif's ANSI pattern has U+009B). One such character makes V8 hold the whole bundle as a
// two-byte string: twice the memory, and slower to read and check against its code cache.
// A \u escape means the same in a string, a template, a regular expression and an identifier.
export function asciiOnly(code) {
  return code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
