import {render} from 'ink';
import {Dashboard, type DashboardProps} from './dashboard.js';

// The terminal's alternate screen, as top and less use it: the shell's screen comes back on exit.
const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALT_SCREEN = '\u001B[?1049l';

/** Runs the dashboard on this TTY until the user quits (q or Ctrl-C) or `signal` aborts (SIGTERM). */
export async function showDashboard(props: DashboardProps, signal?: AbortSignal): Promise<void> {
  process.stdout.write(ENTER_ALT_SCREEN);
  const app = render(<Dashboard {...props} />, {exitOnCtrlC: true, patchConsole: true});
  signal?.addEventListener('abort', () => app.unmount(), {once: true});
  try {
    await app.waitUntilExit();
  } finally {
    app.cleanup();
    process.stdout.write(LEAVE_ALT_SCREEN);
  }
}
