// IncrementalAlterConfigs 0-1: applies per-key operations to a topic's current overrides.
import {ErrorCode} from '../../protocol/errors.js';
import {IncrementalAlterConfigs} from '../../protocol/messages/44-incremental-alter-configs.js';
import {errorMessage} from '../../lib/errors.js';
import {TOPIC_CONFIGS} from '../../storage/topic-config.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {RESOURCE_TOPIC} from './32-describe-configs.js';
import {errorCodeOf} from './topics.js';

const enum Op {
  set = 0,
  delete = 1,
  append = 2,
  subtract = 3,
}

type Change = {name: string; configOperation: number; value: string | null};

/** The overrides after `changes`, or the error code and message Kafka's ConfigAdminManager gives. */
function applied(current: Record<string, string>, changes: Change[]): Record<string, string> | [number, string] {
  const names = changes.map((c) => c.name);
  if (new Set(names).size !== names.length) return [ErrorCode.INVALID_REQUEST, `duplicate config keys: ${names.join(', ')}`];
  const next = {...current};
  for (const c of changes) {
    const def = TOPIC_CONFIGS.find((d) => d.name === c.name);
    const isList = def?.type === 'LIST';
    const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    switch (c.configOperation) {
      case Op.set:
        if (c.value === null) return [ErrorCode.INVALID_CONFIG, `topic config ${c.name}: SET needs a value; use DELETE to restore the default`];
        next[c.name] = c.value;
        break;
      case Op.delete:
        delete next[c.name];
        break;
      case Op.append:
      case Op.subtract: {
        if (!isList) return [ErrorCode.INVALID_CONFIG, `topic config ${c.name} is not a list, so ${c.configOperation === Op.append ? 'APPEND' : 'SUBTRACT'} does not apply to it; use SET`];
        // Like Kafka, a list without an override starts from its default.
        const items = list(next[c.name] ?? def?.default);
        const given = list(c.value ?? '');
        const result = c.configOperation === Op.append ? [...items, ...given.filter((g) => !items.includes(g))] : items.filter((i) => !given.includes(i));
        next[c.name] = result.join(',');
        break;
      }
      default:
        return [ErrorCode.INVALID_REQUEST, `unknown config operation ${c.configOperation} for ${c.name} (0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT)`];
    }
  }
  return next;
}

export const incrementalAlterConfigsHandler: Handler = {
  api: IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, {broker, session}) {
    const responses = [];
    for (const r of request.resources) responses.push(await alterOne(r));
    return {throttleTimeMs: 0, responses};

    async function alterOne(r: any) {
      const base = {resourceType: r.resourceType, resourceName: r.resourceName};
      if (r.resourceType === RESOURCE_TOPIC && !broker.authorize(session, Operation.ALTER_CONFIGS, ResourceType.TOPIC, r.resourceName)) {
        return {...base, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: `not authorized to alter the configs of ${r.resourceName}`};
      }
      if (r.resourceType !== RESOURCE_TOPIC) return {...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'only topic configs can be altered; broker configs are static'};
      const topic = broker.logs.topic(r.resourceName);
      if (!topic) return {...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic ${r.resourceName} does not exist`};
      const next = applied(topic.overrides, r.configs);
      if (Array.isArray(next)) return {...base, errorCode: next[0], errorMessage: next[1]};
      try {
        if (request.validateOnly) broker.logs.resolveConfig(next);
        else await broker.alterTopicConfig(r.resourceName, next);
        return {...base, errorCode: ErrorCode.NONE, errorMessage: null};
      } catch (err) {
        return {...base, errorCode: errorCodeOf(err), errorMessage: errorMessage(err)};
      }
    }
  },
};
