/**
 * The progress line of a running collector or agent: what its sources read, what waits in its
 * channels and what its sinks delivered, with the delivery rate and the sinks' state.
 */
import {progressLine, rateMeter, thousands} from '../lib/progress.js';
import type {ComponentSnapshot} from '../telemetry/metrics.js';

const sum = (components: ComponentSnapshot[], kind: string, counter: string) => components.filter((c) => c.kind === kind).reduce((n, c) => n + (c.counters[counter] ?? 0), 0);

export function describeAgentProgress(components: ComponentSnapshot[], perSecond: number): string {
  const read = sum(components, 'SOURCE', 'EventReceivedCount');
  const queued = sum(components, 'CHANNEL', 'ChannelSize');
  const delivered = sum(components, 'SINK', 'EventDrainSuccessCount');
  const notOk = components.filter((c) => c.kind === 'SINK' && c.state && c.state !== 'ok').map((c) => `${c.name} ${c.state}`);
  return `${thousands(read)} read, ${thousands(queued)} queued, ${thousands(delivered)} delivered (${thousands(Math.round(perSecond))}/s)${notOk.length > 0 ? `; ${notOk.join(', ')}` : ''}`;
}

/** Reports the components every `everyMs` as a progress line on `stream` until stopped. */
export function reportAgentProgress(stream: NodeJS.WriteStream, snapshot: () => ComponentSnapshot[]): {stop(): void} {
  const line = progressLine(stream);
  const rate = rateMeter();
  const tick = () => {
    const components = snapshot();
    line.update(describeAgentProgress(components, rate(sum(components, 'SINK', 'EventDrainSuccessCount'))));
  };
  const timer = setInterval(tick, stream.isTTY ? 1000 : 5000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      line.end();
    },
  };
}
