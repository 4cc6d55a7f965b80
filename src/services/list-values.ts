import {UserError} from '../lib/errors.js';

/**
 * Values of a repeatable flag. oclif hands a repeatable flag that came from its environment
 * variable over as one string, so "a=1,b=2" there means two values; a comma inside a value is
 * written "\,". (Belongs next to brokersFlag in src/cli/flags.ts.)
 */
export function listValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  return value
    .split(/(?<!\\),/)
    .map((v) => v.replaceAll('\\,', ','))
    .filter((v) => v !== '');
}

/** Repeatable and comma-separated partition numbers: `-p 0 -p 2` or `-p 0,2`. */
export function partitionList(value: string | string[] | undefined, flag = '--partition'): number[] | undefined {
  const items = (Array.isArray(value) ? value : listValues(value)).flatMap((v) => v.split(','));
  if (items.length === 0) return undefined;
  return items.map((v) => {
    if (!/^\d+$/.test(v.trim())) throw new UserError(`${flag} "${v}" is not a partition number`, `e.g. ${flag} 0 or ${flag} 0,2`);
    return Number(v);
  });
}
