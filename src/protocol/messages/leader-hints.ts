// KIP-951's tagged hints (Produce 10+, Fetch 16+): where a partition's leader moved. We never send
// them (a client without them looks the leader up in Metadata), but they are part of the messages.
import {type Field, field} from '../schema.js';

export function leaderIdAndEpoch(name: string, versions: string, tag: number): Field {
  return {name, type: [field('leaderId', 'int32', versions, {default: -1}), field('leaderEpoch', 'int32', versions, {default: -1})], versions, tag, taggedVersions: versions};
}

export function nodeEndpoints(versions: string, tag: number): Field {
  return {
    name: 'nodeEndpoints',
    type: [field('nodeId', 'int32', versions), field('host', 'string', versions), field('port', 'int32', versions), field('rack', 'string', versions, {nullableVersions: versions, default: null})],
    versions,
    array: true,
    tag,
    taggedVersions: versions,
  };
}
