import path from 'node:path';
import type {Acks, CompressionName} from '../client/client-settings.js';
import {MemoryChannel} from '../channels/memory-channel.js';
import {Agent} from '../pipeline/agent.js';
import type {Channel} from '../pipeline/channel.js';
import type {Interceptor} from '../pipeline/interceptor.js';
import {rereadWindow, type Source} from '../pipeline/source.js';
import {keyOf, type KeyOptions} from '../pipeline/key.js';
import {DeadLetterQueue} from '../sinks/dead-letter.js';
import {COLLECTOR_WRITES_IN_FLIGHT, KafkaSink, type ValueEncoder} from '../sinks/kafka-sink.js';
import {thousands} from '../lib/progress.js';
import {reportAgentProgress} from './agent-progress.js';
import {StatusPublisher} from '../telemetry/status-file.js';
import {FileChannel} from '../channels/file-channel.js';

export interface ChannelChoice {
  type: 'memory' | 'file';
  /** The file channel's directory. */
  dir?: string;
  capacityEvents: number;
  capacityBytes: number;
}

export interface CollectOptions {
  /** Names the status file and the Kafka client id. */
  name: string;
  brokers: string[];
  topic: string;
  source: Source;
  interceptors: Interceptor[];
  channel: ChannelChoice;
  key: KeyOptions;
  dlqTopic?: string;
  acks: Acks;
  compression: CompressionName;
  idempotent: boolean;
  batchSize: number;
  /** `--format avro`: record values are the encoder's (the key is still cut from the line). */
  valueEncoder?: ValueEncoder;
  log: (line: string) => void;
  /** Where a progress line goes while it runs (a terminal, or a log every few seconds). */
  progress?: NodeJS.WriteStream;
}

export interface CollectReport {
  name: string;
  topic: string;
  received: number;
  accepted: number;
  /** Lines Kafka acknowledged from this run. */
  delivered: number;
  /** Lines read again (after a restart) that Kafka already held: skipped, not sent twice. */
  alreadyInKafka: number;
  /** Events the interceptors dropped (regex_filter). */
  filtered: number;
  /** Lines sent to the dead-letter topic instead (binary, too long, not fitting the Avro schema). */
  deadLettered: number;
  /** Lines read that a stop caught before Kafka acknowledged them: the next run (same position file) sends them. */
  notSent: number;
  state: string;
}

/** The closing line of `tail-produce` and `spool-produce`: what was really sent, and what was not. */
export function collectSummary(r: CollectReport, dlqTopic?: string): string {
  const parts = [`sent ${thousands(r.delivered)} line(s) to ${r.topic}`];
  if (r.alreadyInKafka > 0) parts.push(`${thousands(r.alreadyInKafka)} read again and already in Kafka (not sent twice)`);
  parts.push(`${thousands(r.filtered)} filtered out`);
  if (r.deadLettered > 0) parts.push(`${thousands(r.deadLettered)} sent to ${dlqTopic}`);
  if (r.notSent > 0) parts.push(`${thousands(r.notSent)} read but not acknowledged by Kafka before the stop (the next run sends them)`);
  return parts.join('; ');
}

export async function openChannel(name: string, choice: ChannelChoice, log?: (line: string) => void): Promise<Channel> {
  if (choice.type === 'memory') return new MemoryChannel({name, capacityEvents: choice.capacityEvents, capacityBytes: choice.capacityBytes});
  return FileChannel.open({name, dir: choice.dir ?? path.join('.kcollect', 'channels', name), capacityEvents: choice.capacityEvents, capacityBytes: choice.capacityBytes, log});
}

/**
 * One source -> interceptors -> channel -> Kafka sink: what `tail-produce` and `spool-produce`
 * run. Returns when the source ends by itself or the signal aborts, after the channel drained.
 */
export async function runCollector(options: CollectOptions, signal: AbortSignal): Promise<CollectReport> {
  const channel = await openChannel(`${options.name}-channel`, options.channel, options.log);
  const sink = new KafkaSink(
    {
      name: 'kafka',
      brokers: options.brokers,
      topic: options.topic,
      key: (event) => keyOf(event, options.key),
      acks: options.acks,
      compression: options.compression,
      idempotent: options.idempotent,
      valueEncoder: options.valueEncoder,
      redeliveryWindow: rereadWindow(options.batchSize),
      writesInFlight: COLLECTOR_WRITES_IN_FLIGHT,
    },
    options.log,
  );
  const agent = new Agent(
    {name: options.name, sources: [{source: options.source, interceptors: options.interceptors, channels: [channel]}], channels: [channel], sinks: [{sink, channel, batchSize: options.batchSize, deadLetters: options.dlqTopic ? new DeadLetterQueue(options.brokers, options.dlqTopic, 'kafka') : undefined}]},
    {log: options.log},
  );
  const snapshot = () => {
    agent.sampleChannels();
    return agent.metrics.snapshot();
  };
  const status = new StatusPublisher(options.name, 'agent', snapshot);
  try {
    await agent.start();
  } catch (err) {
    await channel.close();
    throw err;
  }
  status.start();
  const progress = options.progress && reportAgentProgress(options.progress, snapshot);
  try {
    await agent.runUntil(signal);
  } finally {
    progress?.stop();
    status.stop();
  }
  if (agent.error) throw agent.error;
  const counters = (kind: string) => agent.metrics.snapshot().find((c) => c.kind === kind)?.counters ?? {};
  const source = counters('SOURCE');
  const sinkCounters = counters('SINK');
  const received = source.EventReceivedCount ?? 0;
  const filtered = source.EventFilteredCount ?? 0;
  const delivered = (sinkCounters.EventDrainSuccessCount ?? 0) - sink.redeliveredSkipped;
  const deadLettered = sinkCounters.DeadLetterCount ?? 0;
  return {
    name: options.name,
    topic: options.topic,
    received,
    accepted: source.EventAcceptedCount ?? 0,
    delivered,
    alreadyInKafka: sink.redeliveredSkipped,
    filtered,
    deadLettered,
    notSent: Math.max(0, received - filtered - delivered - sink.redeliveredSkipped - deadLettered),
    state: agent.metrics.snapshot().find((c) => c.kind === 'SINK')?.state ?? 'ok',
  };
}
