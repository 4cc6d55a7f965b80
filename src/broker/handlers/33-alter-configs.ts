// AlterConfigs 0-2: replaces a topic's whole set of overrides (not incremental).
import {ErrorCode} from '../../protocol/errors.js';
import {AlterConfigs} from '../../protocol/messages/33-alter-configs.js';
import {errorMessage} from '../../lib/errors.js';
import {Operation, ResourceType} from '../../security/acl.js';
import type {Handler} from '../handler.js';
import {RESOURCE_TOPIC} from './32-describe-configs.js';
import {errorCodeOf} from './topics.js';

export const alterConfigsHandler: Handler = {
  api: AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
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
      if (!broker.logs.topic(r.resourceName)) return {...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic ${r.resourceName} does not exist`};
      const overrides: Record<string, string> = {};
      for (const c of r.configs) if (c.value !== null) overrides[c.name] = c.value;
      try {
        if (request.validateOnly) broker.logs.resolveConfig(overrides);
        else await broker.alterTopicConfig(r.resourceName, overrides);
        return {...base, errorCode: ErrorCode.NONE, errorMessage: null};
      } catch (err) {
        return {...base, errorCode: errorCodeOf(err), errorMessage: errorMessage(err)};
      }
    }
  },
};
