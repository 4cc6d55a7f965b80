/**
 * `kcollect agent import`: converts one agent of a Flume properties file into a kcollect agent
 * config. Every key of that agent is accounted for: converted, converted with a note (a behaviour
 * that differs, or a setting kcollect does not need), or listed as unconverted with the reason.
 * Nothing is dropped silently.
 */
import {stringify} from 'yaml';
import {UserError} from '../lib/errors.js';
import {agentConfigSchema} from './agent-config.js';
import {parseProperties} from './java-properties.js';
import {type AgentInput, type ChannelInput, Ledger, Scope, type SinkGroupInput, type SinkInput, type SourceInput} from './flume/scope.js';
import {convertChannel} from './flume/channels.js';
import {convertSource} from './flume/sources.js';
import {convertSinkGroup} from './flume/flows.js';
import {convertSink} from './flume/sinks.js';

export interface FlumeImport {
  agent: string;
  config: AgentInput;
  unconverted: Array<{key: string; reason: string}>;
  notes: Array<{key: string; note: string}>;
}

export function importFlumeConfig(text: string, agent?: string, file = 'flume.conf'): FlumeImport {
  const props = parseProperties(text, file);
  const agents = [...new Set(props.filter((p) => p.key.includes('.')).map((p) => p.key.slice(0, p.key.indexOf('.'))))];
  if (agents.length === 0) throw new UserError(`${file} defines no Flume agent (no AGENT.sources = ... keys)`, 'give a Flume agent properties file, e.g. the book\'s SmartCar_Agent.conf');
  const name = agent ?? agents[0];
  if (agent === undefined && agents.length > 1) throw new UserError(`${file} defines ${agents.length} agents: ${agents.join(', ')}`, `choose one with --agent, e.g. --agent ${agents[0]}`);
  if (!agents.includes(name)) throw new UserError(`${file} defines no agent "${name}" (agents found: ${agents.join(', ')})`, `use --agent ${agents[0]}`);

  const ledger = new Ledger(props.filter((p) => p.key.startsWith(`${name}.`)), name);
  const top = new Scope(ledger, name, `agent ${name}`);
  const listed = {sources: top.list('sources'), channels: top.list('channels'), sinks: top.list('sinks'), sinkgroups: top.list('sinkgroups')};

  const channels: Record<string, ChannelInput> = {};
  for (const c of listed.channels) {
    const converted = convertChannel(new Scope(ledger, `${name}.channels.${c}`, `channel ${c}`), c);
    if (converted) channels[c] = converted;
  }
  const sinks: Record<string, SinkInput> = {};
  for (const k of listed.sinks) {
    const converted = convertSink(new Scope(ledger, `${name}.sinks.${k}`, `sink ${k}`), k);
    if (converted) sinks[k] = converted;
  }
  const sources: Record<string, SourceInput> = {};
  for (const s of listed.sources) {
    for (const [n, converted] of convertSource(new Scope(ledger, `${name}.sources.${s}`, `source ${s}`), s)) {
      sources[n] = converted;
      ledger.origins.set(n, s);
    }
  }
  const sinkGroups: Record<string, SinkGroupInput> = {};
  for (const g of listed.sinkgroups) {
    const converted = convertSinkGroup(new Scope(ledger, `${name}.sinkgroups.${g}`, `sink group ${g}`), g, sinks);
    if (converted) sinkGroups[g] = converted;
  }
  prune(ledger, name, sources, channels, sinks, sinkGroups);

  ledger.sweep(listed);
  if (Object.keys(sources).length === 0) {
    // The causes first: a dropped component's other keys only point at the key that says why.
    const causes = ledger.unconverted.filter((u) => !u.reason.startsWith('belongs to '));
    const reasons = (causes.length > 0 ? causes : ledger.unconverted).slice(0, 3).map((u) => `${u.key}: ${u.reason}`).join('; ');
    throw new UserError(`nothing of agent ${name} converts to a kcollect agent (no source left)${reasons ? `: ${reasons}` : ''}`, 'fix the keys named; kcollect agents have tail, spooldir and network sources (Flume exec `tail -F`, TAILDIR, spooldir, netcat, syslogtcp, syslogudp, multiport_syslogtcp, http); see the README (Agents)');
  }
  const config: AgentInput = {name: agentName(name), sources, channels, sinks, ...(Object.keys(sinkGroups).length > 0 ? {sinkGroups} : {})};
  const checked = agentConfigSchema.safeParse(config);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new UserError(`the converted agent ${name} is not valid: ${issue.path.join('.')}: ${issue.message}`, 'fix that part of the Flume file, or convert it and edit the YAML by hand');
  }
  return {agent: name, config, unconverted: ledger.unconverted, notes: ledger.notes};
}

/**
 * The agent YAML, opening with a comment block that lists what was not converted and the notes,
 * so the file itself carries them.
 */
export function renderAgentYaml(result: FlumeImport, file: string): string {
  const lines = [`# Converted by \`kcollect agent import\` from agent ${result.agent} of ${file}.`];
  const section = (title: string, entries: Array<{key: string; text: string}>) => {
    if (entries.length === 0) return;
    lines.push('#', `# ${title}:`);
    for (const e of entries) lines.push(`#   ${e.key}: ${e.text}`.replace(/\n/g, ' '));
  };
  if (result.unconverted.length === 0) lines.push('# Every key converted.');
  section('NOT CONVERTED (edit by hand if you need them)', result.unconverted.map((u) => ({key: u.key, text: u.reason})));
  section('Notes', result.notes.map((n) => ({key: n.key, text: n.note})));
  return `${lines.join('\n')}\n${stringify(result.config, {lineWidth: 0})}`;
}

/** kcollect agent names are letters, digits, _ . - */
function agentName(flume: string): string {
  return flume.replace(/[^\w.-]/g, '_');
}

/**
 * Drops what points at something that was not converted: sinks on a missing channel, channels no
 * sink drains (kcollect refuses those: they would fill and stop their sources), a source's
 * channels that are gone, and sources left with no channel. Each drop is listed.
 */
function prune(ledger: Ledger, agent: string, sources: Record<string, SourceInput>, channels: Record<string, ChannelInput>, sinks: Record<string, SinkInput>, groups: Record<string, SinkGroupInput>): void {
  for (const [k, sink] of Object.entries(sinks)) {
    if (!(sink.channel in channels)) {
      ledger.drop(`${agent}.sinks.${k}`, `${agent}.sinks.${k}.channel`, `channel ${sink.channel} was not converted`);
      delete sinks[k];
    }
  }
  for (const [g, group] of Object.entries(groups)) {
    if (group.sinks.some((k) => !(k in sinks))) {
      ledger.drop(`${agent}.sinkgroups.${g}`, `${agent}.sinkgroups.${g}.sinks`, 'one of its sinks was not converted');
      delete groups[g];
    }
  }
  const drained = new Set(Object.values(sinks).map((k) => k.channel));
  for (const c of Object.keys(channels)) {
    if (!drained.has(c)) {
      ledger.drop(`${agent}.channels.${c}`, `${agent}.channels.${c}.type`, 'no converted sink takes from this channel, and kcollect refuses a channel nobody drains (it would fill and stop its sources)');
      delete channels[c];
    }
  }
  for (const [n, source] of Object.entries(sources)) {
    const flume = ledger.sourceOf(n);
    const gone = source.channels.filter((c) => !(c in channels));
    if (gone.length === 0) continue;
    source.channels = source.channels.filter((c) => c in channels);
    if (source.channels.length === 0) {
      ledger.drop(`${agent}.sources.${flume}`, `${agent}.sources.${flume}.channels`, `its channels (${gone.join(', ')}) were not converted`);
      delete sources[n];
      continue;
    }
    ledger.unconvertExtra(`${agent}.sources.${flume}.channels`, `no longer writes to ${gone.join(', ')}: not converted`);
    const sel = source.selector;
    const named = sel ? [...(sel.optional ?? []), ...(sel.type === 'multiplexing' ? [...sel.default, ...Object.values(sel.mapping).flat()] : [])] : [];
    if (named.some((c) => gone.includes(c))) {
      ledger.drop(`${agent}.sources.${flume}.selector`, `${agent}.sources.${flume}.selector.type`, `it names channels that were not converted (${gone.join(', ')}); without a selector every event goes to every channel`);
      delete source.selector;
    }
  }
}
