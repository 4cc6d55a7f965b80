import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';

describe('kcollect help, and a command that does not exist', () => {
  it('prints what --help prints, for the CLI, a topic and a command; an unknown one is an error', async () => {
    for (const words of [[], ['topic'], ['topic', 'create']]) {
      const [help, dashHelp] = await Promise.all([runCli(['help', ...words]), runCli([...words, '--help'])]);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toBe(dashHelp.stdout);
      expect(help.stdout).toContain('USAGE');
    }
    const unknown = await runCli(['help', 'no-such-command']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no-such-command not found');
  });

  it('a mistyped command names the nearest one, as git does; exit 2', async () => {
    for (const [typed, near] of [[['topc', 'list'], 'topic list'], [['cosume', 'driving'], 'consume'], [['grop', 'describe', 'g'], 'group describe']] as const) {
      const r = await runCli([...typed]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`did you mean \`kcollect ${near}\`?`);
    }
    expect((await runCli(['xyzzy'])).stderr).toContain('`kcollect help` lists the commands');
  });
});
