import {errorMessage} from '../lib/errors.js';
import type {SecurityStore} from '../security/security-store.js';
import type {ZkClient} from '../zk/client.js';
import {isZkError} from '../zk/errors.js';

/** The subtrees Kafka 2.x keeps security in: SCRAM credentials and ACLs (literal, prefixed). */
const ROOTS: Array<{path: string; depth: number}> = [
  {path: '/config/users', depth: 1},
  {path: '/kafka-acl', depth: 2},
  {path: '/kafka-acl-extended/prefixed', depth: 2},
];

/**
 * A cluster's SCRAM credentials and ACLs, in ZooKeeper where every broker (and Kafka's own
 * tools) finds them. Each broker mirrors the subtrees in memory and re-reads them when a watch
 * fires, so a user or ACL created through one broker takes effect on all of them.
 */
export class ZkSecurityStore implements SecurityStore {
  private nodes = new Map<string, string>();
  generation = 0;
  private session = 0;

  constructor(
    private readonly zk: () => ZkClient,
    private readonly log: (line: string) => void,
  ) {}

  /** (Re)reads everything with watches; called after each (re)registration. */
  async attach(): Promise<void> {
    const session = ++this.session;
    for (const r of ROOTS) await this.zk().ensurePath(r.path);
    await this.reload(session);
  }

  private async reload(session: number): Promise<void> {
    const next = new Map<string, string>();
    const again = () => {
      if (session === this.session) this.reload(session).catch((err) => this.log(`reading users and ACLs from ZooKeeper failed: ${errorMessage(err)}`));
    };
    const walk = async (path: string, depth: number): Promise<void> => {
      let children: string[];
      try {
        children = await this.zk().children(path, {watch: again});
      } catch (err) {
        if (isZkError(err, 'NONODE')) return;
        throw err;
      }
      for (const c of children) {
        const child = `${path}/${c}`;
        if (depth > 1) await walk(child, depth - 1);
        else {
          try {
            next.set(child, (await this.zk().get(child, {watch: again})).data.toString());
          } catch (err) {
            if (!isZkError(err, 'NONODE')) throw err;
          }
        }
      }
    };
    for (const r of ROOTS) await walk(r.path, r.depth);
    if (session !== this.session) return;
    this.nodes = next;
    this.generation++;
  }

  detach(): void {
    this.session++;
  }

  get(node: string): string | undefined {
    return this.nodes.get(node);
  }

  under(prefix: string): Array<[string, string]> {
    return [...this.nodes].filter(([p]) => p.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
  }

  /** Written to ZooKeeper first; visible here at once (the watch brings the same data again). */
  async set(node: string, data: string): Promise<void> {
    if (this.nodes.has(node) || (await this.zk().exists(node))) await this.zk().set(node, data);
    else await this.zk().create(node, data, {parents: true});
    this.nodes.set(node, data);
    this.generation++;
  }

  async remove(node: string): Promise<void> {
    try {
      await this.zk().remove(node);
    } catch (err) {
      if (!isZkError(err, 'NONODE')) throw err;
    }
    this.nodes.delete(node);
    this.generation++;
  }
}
