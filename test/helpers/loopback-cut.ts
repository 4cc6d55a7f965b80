import {spawnSync} from 'node:child_process';

/**
 * A network partition on one machine: a "node" of the multi-node layout is a loopback address
 * (127.0.0.2-4), and cutting it drops, with iptables, every packet between that address and any
 * other one (both directions: on lo every packet passes INPUT). Traffic within the node (its
 * broker and its ZooKeeper member) still flows, as on a real host whose link went down.
 * Only 127.0.0.0/8 addresses are accepted; every rule added is removed by heal() or healAll().
 */
export class LoopbackCut {
  private static readonly active = new Set<LoopbackCut>();
  private healed = false;

  private constructor(
    readonly address: string,
    private readonly rules: string[][],
  ) {}

  /** Why cutting is impossible here (not root, no iptables), or undefined when it works. */
  static unavailable(): string | undefined {
    if (process.getuid?.() !== 0) return 'not running as root (iptables needs it)';
    const probe = spawnSync('iptables', ['-S', 'INPUT'], {encoding: 'utf8'});
    if (probe.error || probe.status !== 0) return `iptables does not work here: ${probe.error?.message ?? probe.stderr.trim()}`;
    return undefined;
  }

  static cut(address: string): LoopbackCut {
    if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === '127.0.0.1') throw new Error(`refusing to cut ${address}: only 127.0.0.2 and up, never the machine's own 127.0.0.1`);
    const rules = [
      ['INPUT', '-s', address, '!', '-d', address, '-j', 'DROP'],
      ['INPUT', '-d', address, '!', '-s', address, '-j', 'DROP'],
    ];
    const cut = new LoopbackCut(address, []);
    // Even a test process that dies takes its rules with it.
    if (LoopbackCut.active.size === 0) process.once('exit', () => LoopbackCut.healAll());
    LoopbackCut.active.add(cut);
    for (const rule of rules) {
      iptables(['-I', ...rule]);
      cut.rules.push(rule);
    }
    return cut;
  }

  /** Removes this cut's rules; safe to call twice. */
  heal(): void {
    if (this.healed) return;
    this.healed = true;
    LoopbackCut.active.delete(this);
    for (const rule of this.rules) iptables(['-D', ...rule]);
  }

  /** afterAll / finally safety net: every cut still in place is healed. */
  static healAll(): void {
    for (const cut of [...LoopbackCut.active]) cut.heal();
  }
}

function iptables(args: string[]): void {
  const r = spawnSync('iptables', ['-w', ...args], {encoding: 'utf8'});
  if (r.status !== 0) throw new Error(`iptables ${args.join(' ')} failed: ${r.error?.message ?? r.stderr.trim()}`);
}
