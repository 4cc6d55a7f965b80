import fs from 'node:fs';
import path from 'node:path';
import {UserError} from '../lib/errors.js';
import {writeFileAtomic} from '../lib/fs.js';

/**
 * Where SCRAM credentials and ACLs live, in Kafka's ZooKeeper layout: /config/users/<name>,
 * /kafka-acl/<Type>/<name>, /kafka-acl-extended/prefixed/<Type>/<name>, each node holding
 * Kafka's JSON. Reads come from memory so authentication and authorization never wait.
 */
export interface SecurityStore {
  /** Changes whenever a node changes, so readers can cache what they parsed. */
  readonly generation: number;
  get(node: string): string | undefined;
  /** Every node under `prefix` (its full path and data). */
  under(prefix: string): Array<[string, string]>;
  set(node: string, data: string): Promise<void>;
  remove(node: string): Promise<void>;
}

/** A single broker's store: the nodes in one file of the data dir, replaced atomically. */
export class DataDirSecurityStore implements SecurityStore {
  private readonly nodes: Map<string, string>;
  private readonly file: string;
  generation = 0;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'security-nodes.json');
    this.nodes = fs.existsSync(this.file) ? readNodes(this.file) : new Map();
  }

  get(node: string): string | undefined {
    return this.nodes.get(node);
  }

  under(prefix: string): Array<[string, string]> {
    return [...this.nodes].filter(([p]) => p.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
  }

  async set(node: string, data: string): Promise<void> {
    this.commit(new Map(this.nodes).set(node, data));
  }

  async remove(node: string): Promise<void> {
    const next = new Map(this.nodes);
    next.delete(node);
    this.commit(next);
  }

  /** Durable first, then visible: a failed write (ENOSPC) changes nothing. */
  private commit(next: Map<string, string>): void {
    writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(next), null, 1));
    this.nodes.clear();
    for (const [k, v] of next) this.nodes.set(k, v);
    this.generation++;
  }
}

function readNodes(file: string): Map<string, string> {
  try {
    return new Map(Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>));
  } catch (err) {
    throw new UserError(`cannot read the broker's users and ACLs from ${file}: ${(err as Error).message}`, 'restore the file from a backup, or move it away to start with no SCRAM users and no ACLs');
  }
}
