/**
 * Schema evolution rules for Avro, as the Confluent Schema Registry applies them. "Can read" is
 * decided by avsc's schema resolution (`reader.createResolver(writer)` throws when the reader
 * cannot read data the writer wrote), so the rules are Avro's own, not a re-implementation.
 */
import avro from 'avsc';

export const COMPATIBILITY_LEVELS = ['NONE', 'BACKWARD', 'FORWARD', 'FULL', 'BACKWARD_TRANSITIVE', 'FORWARD_TRANSITIVE', 'FULL_TRANSITIVE'] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** The registry's default level. */
export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

export interface PriorSchema {
  version: number;
  type: avro.Type;
}

/** Why `reader` cannot read what `writer` wrote, or undefined when it can. */
export function readProblem(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return explain((err as Error).message);
  }
}

/** avsc's resolution errors, said in the terms of schema evolution. */
function explain(message: string): string {
  const missing = /^no matching field for default-less (.+)$/.exec(message);
  if (missing) return `the reader's field ${missing[1]} has no default and the writer's schema does not have it`;
  const renamed = /^no alias found for (.+)$/.exec(message);
  if (renamed) return `the writer's type ${renamed[1]} has another name than the reader's, which has no alias for it`;
  const type = /^cannot read "(.+)" as "(.+)"$/.exec(message);
  if (type) return `data written as ${type[1]} cannot be read as ${type[2]}`;
  return message;
}

/**
 * The reasons `candidate` may not follow `prior` (oldest first) under `level`; empty when it may.
 * Non-transitive levels compare with the latest version only, transitive ones with every version.
 */
export function compatibilityProblems(candidate: avro.Type, prior: readonly PriorSchema[], level: CompatibilityLevel): string[] {
  if (level === 'NONE' || prior.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? prior : prior.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: string[] = [];
  for (const old of [...against].reverse()) {
    if (backward) {
      const problem = readProblem(candidate, old.type);
      if (problem) problems.push(`the new schema cannot read data written with version ${old.version} (${level}): ${problem}`);
    }
    if (forward) {
      const problem = readProblem(old.type, candidate);
      if (problem) problems.push(`version ${old.version} cannot read data written with the new schema (${level}): ${problem}`);
    }
  }
  return problems;
}
