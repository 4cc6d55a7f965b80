import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {eagerHandlers, lazyHandlers} from '../../src/broker/handlers/index.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {Metadata} from '../../src/protocol/messages/03-metadata.js';
import {ListGroups} from '../../src/protocol/messages/16-list-groups.js';
import {DescribeConfigs} from '../../src/protocol/messages/32-describe-configs.js';
import {startBroker} from '../helpers/broker.js';

let broker: Broker;
let conn: WireConnection;

beforeAll(async () => {
  ({broker} = await startBroker());
  await broker.createTopic('lazy', 1, {});
  conn = await WireConnection.connect(broker.advertised.host, broker.advertised.port);
});
afterAll(async () => {
  conn.close();
  await broker.close();
});

describe('handlers loaded on first use', () => {
  it('the versions a lazy handler is advertised with are the ones its module declares', async () => {
    for (const lazy of lazyHandlers) {
      const h = await lazy.load();
      expect({apiKey: h.api.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion}).toEqual({apiKey: lazy.apiKey, minVersion: lazy.minVersion, maxVersion: lazy.maxVersion});
    }
    const eagerKeys = new Set(eagerHandlers.map((h) => h.api.apiKey));
    expect(lazyHandlers.filter((h) => eagerKeys.has(h.apiKey))).toEqual([]);
  });

  it('ApiVersions advertises the lazy APIs before any is loaded, and the first request of one is answered', async () => {
    expect(broker.router.get(DescribeConfigs.apiKey)).toBeUndefined();
    expect(broker.router.apiVersions()).toContainEqual({apiKey: 32, minVersion: 0, maxVersion: 4});
    const res = await conn.request(DescribeConfigs, 4, {resources: [{resourceType: 2, resourceName: 'lazy', configurationKeys: ['cleanup.policy']}], includeSynonyms: false, includeDocumentation: false});
    expect(res.results[0]).toMatchObject({errorCode: 0, resourceName: 'lazy', configs: [{name: 'cleanup.policy', value: 'delete'}]});
  });

  it('requests pipelined behind a lazy one are answered after it, in order', async () => {
    expect(broker.router.get(ListGroups.apiKey)).toBeUndefined();
    const order: string[] = [];
    await Promise.all([
      conn.request(ListGroups, 4, {statesFilter: []}).then((r) => order.push(`ListGroups ${r.errorCode}`)),
      conn.request(Metadata, 1, {topics: [{name: 'lazy'}]}).then((r) => order.push(`Metadata ${r.topics[0].errorCode}`)),
    ]);
    expect(order).toEqual(['ListGroups 0', 'Metadata 0']);
  });
});
