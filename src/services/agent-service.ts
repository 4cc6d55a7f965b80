import {Agent} from '../pipeline/agent.js';
import type {ComponentSnapshot} from '../telemetry/metrics.js';
import {StatusPublisher} from '../telemetry/status-file.js';
import {buildAgent} from '../topology/agent-builder.js';
import type {AgentConfig} from '../topology/agent-config.js';
import {reportAgentProgress} from './agent-progress.js';

export interface AgentRunOptions {
  brokers: string[];
  signal: AbortSignal;
  log: (line: string) => void;
  stateDir: string;
  /** Called once every part started. */
  onStarted?: () => void;
  /** Where a progress line goes while it runs (a terminal, or a log every few seconds). */
  progress?: NodeJS.WriteStream;
}

export interface AgentReport {
  agent: string;
  components: ComponentSnapshot[];
}

/**
 * Runs an agent file until the signal aborts (or every source ended), publishing its status
 * for `kcollect status` and the dashboard; returns the final counters.
 */
export async function runAgent(config: AgentConfig, options: AgentRunOptions): Promise<AgentReport> {
  const spec = await buildAgent(config, {brokers: options.brokers, log: options.log, stateDir: options.stateDir});
  const agent = new Agent(spec, {log: options.log});
  const snapshot = () => {
    agent.sampleChannels();
    return agent.metrics.snapshot();
  };
  const status = new StatusPublisher(config.name, 'agent', snapshot);
  try {
    await agent.start();
  } catch (err) {
    for (const channel of spec.channels) await channel.close();
    throw err;
  }
  status.start();
  options.onStarted?.();
  const progress = options.progress && reportAgentProgress(options.progress, snapshot);
  const stop = () => void agent.stop();
  options.signal.addEventListener('abort', stop, {once: true});
  try {
    await agent.done;
    await agent.stop();
  } finally {
    options.signal.removeEventListener('abort', stop);
    progress?.stop();
    status.stop();
  }
  if (agent.error) throw agent.error;
  return {agent: config.name, components: snapshot()};
}
