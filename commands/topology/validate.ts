import fs from 'node:fs';
import {Args} from '#oclif';
import {KcollectCommand} from '../../src/cli/base-command.js';
import {loadAgentConfig} from '../../src/topology/agent-config.js';
import {listBundled, resolveConfigFile} from '../../src/topology/bundled.js';
import {loadTopology} from '../../src/topology/cluster-topology.js';

export type TopologyValidateResult =
  | {file: string; valid: true; kind: 'topology'; type: string; brokers: number; zookeeper: number}
  | {file: string; valid: true; kind: 'agent'; name: string; sources: number; channels: number; sinks: number};

/** A name that is no file here but a shipped agent's. */
function shippedAgent(arg: string): string | undefined {
  if (fs.existsSync(arg)) return undefined;
  return listBundled().find((b) => b.kind === 'agent' && b.name === arg.replace(/\.ya?ml$/, ''))?.file;
}

/** An agent file has sources (read as text: `${VAR}` placeholders are not YAML yet). */
function isAgentFile(file: string): boolean {
  try {
    return /^sources:/m.test(fs.readFileSync(file, 'utf8'));
  } catch {
    return false; // the topology loader reports the read error
  }
}

export default class TopologyValidate extends KcollectCommand {
  static override summary = 'Check a topology or agent file (which key is wrong, and how to fix it)';
  static override examples = ['<%= config.bin %> topology validate my-topology.yaml', '<%= config.bin %> topology validate smartcar-driving'];
  static override args = {file: Args.string({required: true, description: 'topology or agent YAML file, or the name of a shipped one (`kcollect topology list`)'})};

  async run(): Promise<TopologyValidateResult> {
    const {args} = await this.parse(TopologyValidate);
    const file = shippedAgent(args.file) ?? resolveConfigFile(args.file, 'topology');
    if (isAgentFile(file)) {
      const a = loadAgentConfig(file);
      const [sources, channels, sinks] = [a.sources, a.channels, a.sinks].map((m) => Object.keys(m).length);
      this.log(`${args.file}: valid agent ${a.name} (${sources} source(s), ${channels} channel(s), ${sinks} sink(s))`);
      return {file: args.file, valid: true, kind: 'agent', name: a.name, sources, channels, sinks};
    }
    const t = loadTopology(file);
    this.log(`${args.file}: valid ${t.type} topology (${t.brokers.length} broker(s)${t.zookeeper ? `, ZooKeeper ensemble of ${t.zookeeper.ensemble}` : ''})`);
    return {file: args.file, valid: true, kind: 'topology', type: t.type, brokers: t.brokers.length, zookeeper: t.zookeeper?.ensemble ?? 0};
  }
}
