// DescribeConfigs 0-4: every config with its value and source (v0: is_default; v1+: config_source
// and synonyms; v3+: config_type and documentation).
import {ErrorCode} from '../../protocol/errors.js';
import {DescribeConfigs} from '../../protocol/messages/32-describe-configs.js';
import {type ConfigSourceKind, describeTopicConfig} from '../../storage/topic-config.js';
import {type BrokerConfigType, describeBrokerConfig} from '../broker-config.js';
import type {Broker} from '../broker.js';
import {CLUSTER_NAME, Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';

export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;
/** DescribeConfigs (and CreateTopics v5+) config_source values. */
export const CONFIG_SOURCE = {topic: 1, staticBroker: 4, default: 5} as const;
const SOURCE = CONFIG_SOURCE;

/** Our source kinds as config_source: a topic's override, the broker's server.properties, Kafka's default. */
export function configSource(kind: ConfigSourceKind): number {
  return kind === 'topic' ? SOURCE.topic : kind === 'broker' ? SOURCE.staticBroker : SOURCE.default;
}

/** KIP-569 config_type values. */
const CONFIG_TYPE: Record<BrokerConfigType, number> = {BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, PASSWORD: 9};

export const describeConfigsHandler: Handler = {
  api: DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(request, {broker, session}) {
    const results = request.resources.map((r: any) => {
      const base = {resourceType: r.resourceType, resourceName: r.resourceName};
      const [type, name] = r.resourceType === RESOURCE_BROKER ? [ResourceType.CLUSTER, CLUSTER_NAME] : [ResourceType.TOPIC, r.resourceName];
      if (!broker.authorize(session, Operation.DESCRIBE_CONFIGS, type, name)) {
        return {...base, errorCode: type === ResourceType.CLUSTER ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED : ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: `not authorized to describe the configs of ${r.resourceName || 'the broker'}`, configs: []};
      }
      const entries = configEntries(broker, r.resourceType, r.resourceName);
      if (typeof entries === 'string') return {...base, errorCode: entries === 'unknown-topic' ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_REQUEST, errorMessage: entries, configs: []};
      const wanted: string[] | null = r.configurationKeys;
      const configs = entries
        .filter((e) => wanted === null || wanted.includes(e.name))
        .map((e) => ({
          name: e.name,
          value: e.value,
          readOnly: e.readOnly,
          isDefault: e.source === SOURCE.default,
          configSource: e.source,
          isSensitive: e.sensitive,
          synonyms: request.includeSynonyms ? e.synonyms : [],
          configType: CONFIG_TYPE[e.type],
          documentation: request.includeDocumentation ? e.doc : null,
        }));
      return {...base, errorCode: ErrorCode.NONE, errorMessage: null, configs};
    });
    return {throttleTimeMs: 0, results};
  },
};

type Entry = {
  name: string;
  value: string | null;
  readOnly: boolean;
  source: number;
  sensitive: boolean;
  type: BrokerConfigType;
  doc: string | null;
  synonyms: Array<{name: string; value: string | null; source: number}>;
};

function configEntries(broker: Broker, type: number, name: string): Entry[] | string {
  if (type === RESOURCE_TOPIC) {
    const topic = broker.logs.topic(name);
    if (!topic) return 'unknown-topic';
    return describeTopicConfig(topic.overrides, broker.logs.topicDefaults).map((e) => ({
      name: e.name,
      value: e.value,
      readOnly: e.readOnly,
      source: configSource(e.source),
      sensitive: false,
      type: e.type,
      doc: e.doc,
      synonyms: e.synonyms.map((s) => ({name: s.name, value: s.value, source: configSource(s.source)})),
    }));
  }
  if (type === RESOURCE_BROKER) {
    if (name !== '' && name !== String(broker.nodeId)) return `unknown broker ${name}`;
    // Broker configs are static: none can be altered, as Kafka's read-only ones.
    return describeBrokerConfig(broker).map((e) => ({
      name: e.name,
      value: e.value,
      readOnly: true,
      source: configSource(e.source),
      sensitive: e.sensitive,
      type: e.type,
      doc: null,
      synonyms: e.synonyms.map((s) => ({name: s.name, value: s.value, source: configSource(s.source)})),
    }));
  }
  return `unsupported resource type ${type}`;
}
