import type {Channel} from './channel.js';
import type {Event} from './event.js';

/**
 * Flume's channel selectors: which channels an event goes to. replicating: every channel
 * (events put into an `optional` one are not waited for, and a failure there is only counted);
 * multiplexing: the channels mapped to the value of one header, else the default channels.
 */
export type ChannelSelector =
  | {type: 'replicating'; optional?: Channel[]}
  | {type: 'multiplexing'; header: string; mapping: Map<string, Channel[]>; default: Channel[]; optional?: Channel[]};

export interface Routed {
  channel: Channel;
  events: readonly Event[];
  optional: boolean;
}

/** Splits a batch over the source's channels, keeping each channel's events in their order. */
export function route(events: readonly Event[], channels: Channel[], selector: ChannelSelector = {type: 'replicating'}): Routed[] {
  const optional = new Set(selector.optional ?? []);
  if (selector.type === 'replicating') return channels.map((channel) => ({channel, events, optional: optional.has(channel)}));
  const byChannel = new Map<Channel, Event[]>();
  for (const event of events) {
    const value = event.headers[selector.header];
    const targets = (value === undefined ? undefined : selector.mapping.get(value)) ?? selector.default;
    for (const channel of targets) {
      let list = byChannel.get(channel);
      if (!list) byChannel.set(channel, (list = []));
      list.push(event);
    }
  }
  return [...byChannel].map(([channel, list]) => ({channel, events: list, optional: optional.has(channel)}));
}
