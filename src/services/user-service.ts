import fs from 'node:fs';
import {deleteScramUser, describeScramUsers, type ScramUser, upsertScramUser} from '../client/scram-users.js';
import {UserError} from '../lib/errors.js';
import {MAX_ITERATIONS, MIN_ITERATIONS, type ScramMechanism} from '../security/scram.js';

/** --password or --password-file (its first line, as kafka-configs.sh users keep it), never both. */
export function readPassword(password: string | undefined, file: string | undefined): string {
  if (password !== undefined && file !== undefined) throw new UserError('both --password and --password-file are given', 'keep one; --password-file keeps the password out of the shell history');
  if (file !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read the password file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'pass --password-file with a readable file');
    }
    const first = text.split(/\r?\n/)[0];
    if (first === '') throw new UserError(`the password file ${file} starts with an empty line`, 'write the password on its first line');
    return first;
  }
  if (password === undefined || password === '') throw new UserError('no password given', 'pass --password-file FILE (or --password, or KCOLLECT_USER_PASSWORD)');
  return password;
}

export async function createUser(brokers: string[], user: string, mechanism: ScramMechanism, password: string, iterations: number): Promise<{user: string; mechanism: ScramMechanism; iterations: number}> {
  if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) throw new UserError(`--iterations ${iterations} is outside ${MIN_ITERATIONS}-${MAX_ITERATIONS}`, `Kafka accepts ${MIN_ITERATIONS} to ${MAX_ITERATIONS} iterations`);
  await upsertScramUser(brokers, user, mechanism, password, iterations);
  return {user, mechanism, iterations};
}

export function listUsers(brokers: string[], users: string[]): Promise<ScramUser[]> {
  return describeScramUsers(brokers, users);
}

/** Without a mechanism, every SCRAM credential of the user goes. */
export async function deleteUser(brokers: string[], user: string, mechanism?: ScramMechanism): Promise<{user: string; deleted: ScramMechanism[]}> {
  const mechanisms = mechanism ? [mechanism] : (await describeScramUsers(brokers, [user]))[0].credentials.map((c) => c.mechanism);
  for (const m of mechanisms) await deleteScramUser(brokers, user, m);
  return {user, deleted: mechanisms};
}
