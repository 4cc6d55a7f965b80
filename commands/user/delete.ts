import {Args, Flags} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import {SCRAM_MECHANISMS, type ScramMechanism} from '../../src/security/scram.js';
import {deleteUser} from '../../src/services/user-service.js';

export default class UserDelete extends KcollectCommand {
  static override summary = "Delete a user's SCRAM credentials";
  static override examples = ['<%= config.bin %> user delete alice', '<%= config.bin %> user delete alice --mechanism SCRAM-SHA-512'];

  static override args = {name: Args.string({required: true, description: 'user name'})};
  static override flags = {
    ...kafkaFlags,
    mechanism: Flags.string({options: [...SCRAM_MECHANISMS], env: 'KCOLLECT_SCRAM_MECHANISM', description: 'only this mechanism (default: all of the user)'}),
  };

  async run(): Promise<{user: string; deleted: string[]}> {
    const {args, flags} = await this.parse(UserDelete);
    const result = await deleteUser(resolveKafka(flags), args.name, flags.mechanism as ScramMechanism | undefined);
    this.log(`user ${result.user}: deleted ${result.deleted.join(', ')} credentials`);
    return result;
  }
}
