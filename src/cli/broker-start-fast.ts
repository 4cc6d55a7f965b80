/**
 * `kcollect broker start` without oclif: bin/run.js comes here first and falls back to oclif
 * (its help and its messages for wrong arguments) whenever these arguments are not plainly valid.
 */
import {parseArgs} from 'node:util';
import {BROKER_START_FLAGS, type BrokerFlagSpec, type BrokerStartFlags, runBrokerStart} from './broker-start.js';
import {reportError} from './report-error.js';

/** The flags, from the arguments then the environment; undefined when oclif should judge them. */
export function parseBrokerStartArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BrokerStartFlags | undefined {
  const specs: Record<string, BrokerFlagSpec> = BROKER_START_FLAGS;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({values} = parseArgs({args: argv, options: Object.fromEntries(Object.keys(specs).map((name) => [name, {type: 'string'}])), strict: true, allowPositionals: false}));
  } catch {
    return undefined;
  }
  const flags: Record<string, string | number> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const text = (values[name] as string | undefined) ?? env[spec.env];
    if (text === undefined) continue;
    if (spec.options && !spec.options.includes(text)) return undefined;
    if (spec.type === 'string') {
      flags[name] = text;
      continue;
    }
    const n = Number(text);
    if (!/^-?\d+$/.test(text) || n < (spec.min ?? -Infinity) || n > (spec.max ?? Infinity)) return undefined;
    flags[name] = n;
  }
  return flags as BrokerStartFlags;
}

/** Runs the broker when the arguments are plainly valid; false when oclif should take over. */
export async function startBrokerFast(argv: string[]): Promise<boolean> {
  const flags = parseBrokerStartArgs(argv);
  if (!flags) return false;
  try {
    await runBrokerStart(flags);
  } catch (err) {
    reportError(err as Error);
  }
  return true;
}
