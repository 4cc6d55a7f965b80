import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {SCRAM_MECHANISMS, type ScramMechanism} from '../../src/security/scram.js';
import {createUser, readPassword} from '../../src/services/user-service.js';

export default class UserCreate extends KcollectCommand {
  static override summary = "Create a SCRAM user, or change a user's password";
  static override description = 'Sends AlterUserScramCredentials (KIP-554), as kafka-configs.sh --alter --add-config SCRAM-SHA-256=[password=...] --entity-type users does. The password is salted here; the broker never receives it.';
  static override examples = ['<%= config.bin %> user create alice --mechanism SCRAM-SHA-256 --password-file alice.pw', '<%= config.bin %> user create bob --mechanism SCRAM-SHA-512 --password bob-secret'];

  static override args = {name: Args.string({required: true, description: 'user name'})};
  static override flags = {
    ...kafkaFlags,
    mechanism: Flags.string({options: [...SCRAM_MECHANISMS], default: 'SCRAM-SHA-256', env: 'KCOLLECT_SCRAM_MECHANISM', description: 'SCRAM mechanism'}),
    password: Flags.string({env: 'KCOLLECT_USER_PASSWORD', description: 'the password (prefer --password-file: it stays out of shell history)'}),
    'password-file': Flags.string({env: 'KCOLLECT_USER_PASSWORD_FILE', description: 'a file whose first line is the password'}),
    iterations: Flags.integer({default: 4096, env: 'KCOLLECT_SCRAM_ITERATIONS', description: 'PBKDF2 iterations (4096-16384)'}),
  };

  async run(): Promise<{user: string; mechanism: string; iterations: number}> {
    const {args, flags} = await this.parse(UserCreate);
    const password = readPassword(flags.password, flags['password-file']);
    const result = await createUser(resolveKafka(flags), args.name, flags.mechanism as ScramMechanism, password, flags.iterations);
    this.log(`user ${result.user}: ${result.mechanism} credentials set (${result.iterations} iterations)`);
    return result;
  }
}
