import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {startBroker, tempDir} from '../helpers/broker.js';
import {CLI, collect} from '../helpers/cli.js';
import {requireTool} from '../helpers/system-deps.js';

// Only root can run a command as another user (and root itself is never refused a file).
const asRoot = requireTool('root (to run a command as user nobody)', process.getuid?.() === 0, 'run the tests as root');

describe.runIf(asRoot)('a working directory whose .kcollect state belongs to another user', () => {
  it('tail-produce says whose it is and what to do, exit 1, not an internal error', async () => {
    const {broker, bootstrap} = await startBroker();
    try {
      const dir = tempDir('other-user');
      fs.chmodSync(dir, 0o777);
      fs.writeFileSync(path.join(dir, 'app.log'), 'one line\n', {mode: 0o644});
      // What a run as root leaves behind.
      fs.mkdirSync(path.join(dir, '.kcollect'), {mode: 0o700});
      // Spawned, not run synchronously: the broker answers from this process.
      const child = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, CLI, 'tail-produce', 'app.log', '-t', 'other-user', '-b', bootstrap, '--exit'], {cwd: dir, env: {...process.env, HOME: dir}, stdio: ['ignore', 'pipe', 'pipe']});
      const asNobody = await collect(child);
      expect(asNobody.stderr).not.toMatch(/internal error/);
      expect(asNobody.stderr).toMatch(/permission denied for user nobody \(\.kcollect belongs to root\)/);
      expect(asNobody.stderr).toMatch(/hint: run kcollect as root, or from a directory of your own/);
      expect(asNobody.code).toBe(1);
    } finally {
      await broker.close();
    }
  });
});
