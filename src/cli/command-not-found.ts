import {Errors, type Hook} from '#oclif';
import {editDistance} from '../lib/edit-distance.js';

/**
 * oclif's command_not_found hook: a typo gets the nearest command, as git and rpk suggest one.
 * oclif cannot tell a mistyped command from its arguments (`cosume T` arrives as "cosume:T"), so
 * each leading run of the words is tried.
 */
const commandNotFound: Hook.CommandNotFound = async ({id, config}) => {
  const words = id.split(':');
  let near: string | undefined;
  let best = 3;
  for (let n = words.length; n >= 1; n--) {
    const typed = words.slice(0, n).join(' ');
    for (const command of config.commandIDs.map((id) => id.replaceAll(':', ' '))) {
      const distance = editDistance(typed, command);
      if (distance < best) [near, best] = [command, distance];
    }
  }
  const hint = near ? `did you mean \`${config.bin} ${near}\`?` : `\`${config.bin} help\` lists the commands`;
  throw new Errors.CLIError(`command ${words.join(' ')} not found`, {exit: 2, suggestions: [hint]});
};

export default commandNotFound;
