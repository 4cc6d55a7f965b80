// kafkajs asks for the metadata of every topic before nearly each admin call, and throws on the
// first partition without a leader (kafkajs#1460): one partition whose replicas are all on stopped
// brokers made `topic list`, `group describe`, `topic create` ... fail for the whole cluster, just
// when an operator needs them. Kafka's own tools show such a partition with no leader (-1). So a
// Metadata answer for all topics keeps those partitions; one for named topics still throws, which
// kafkajs' wait for the leaders of a topic it created relies on.
import {createRequire} from 'node:module';

type Parse = (data: KafkajsMetadata) => Promise<KafkajsMetadata>;
interface KafkajsMetadata {
  topicMetadata: Array<{topicErrorCode: number; partitionMetadata: Array<{partitionErrorCode: number}>}>;
}
interface Built {
  request: unknown;
  response: {parse: Parse};
}

/** LEADER_NOT_AVAILABLE, REPLICA_NOT_AVAILABLE: the partition's brokers are down, the answer is still true. */
const LEADERLESS = new Set([5, 9]);

let installed = false;

export function tolerateLeaderlessPartitions(): void {
  if (installed) return;
  installed = true;
  const require = createRequire(import.meta.url);
  const metadata: {protocol: (v: {version: number}) => (args: {topics?: string[]}) => Built} = require('kafkajs/src/protocol/requests/metadata/index.js');
  const {createErrorFromCode}: {createErrorFromCode: (code: number) => Error} = require('kafkajs/src/protocol/error.js');
  const allTopics: Parse = async (data) => {
    for (const t of data.topicMetadata) {
      if (t.topicErrorCode !== 0) throw createErrorFromCode(t.topicErrorCode);
      for (const p of t.partitionMetadata) if (p.partitionErrorCode !== 0 && !LEADERLESS.has(p.partitionErrorCode)) throw createErrorFromCode(p.partitionErrorCode);
    }
    return data;
  };
  const protocol = metadata.protocol;
  metadata.protocol = (version) => {
    const build = protocol(version);
    return (args) => {
      const built = build(args);
      return args.topics?.length ? built : {...built, response: {...built.response, parse: allTopics}};
    };
  };
}
