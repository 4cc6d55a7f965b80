import {Args} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {kafkaFlags, resolveKafka} from '../../src/cli/client-flags.js';
import type {ScramUser} from '../../src/client/scram-users.js';
import {table} from '../../src/services/text-table.js';
import {listUsers} from '../../src/services/user-service.js';

export default class UserList extends KcollectCommand {
  static override summary = 'List SCRAM users with their mechanisms and iterations';
  static override examples = ['<%= config.bin %> user list', '<%= config.bin %> user list alice'];
  static override strict = false;

  static override args = {name: Args.string({description: 'only these users (default: all)'})};
  static override flags = {...kafkaFlags};

  async run(): Promise<{users: ScramUser[]}> {
    const {argv, flags} = await this.parse(UserList);
    const users = await listUsers(resolveKafka(flags), argv as string[]);
    this.log(table(['USER', 'MECHANISM', 'ITERATIONS'], users.flatMap((u) => u.credentials.map((c) => [u.user, c.mechanism, c.iterations]))));
    return {users};
  }
}
