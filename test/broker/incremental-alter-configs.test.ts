import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {parseHostPort} from '../../src/lib/address.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {ApiVersions} from '../../src/protocol/messages/18-api-versions.js';
import {IncrementalAlterConfigs} from '../../src/protocol/messages/44-incremental-alter-configs.js';
import {startBroker} from '../helpers/broker.js';

const TOPIC = 2;
const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3];

describe('IncrementalAlterConfigs (what kafka-configs.sh --alter sends)', () => {
  let broker: Broker;
  let conn: WireConnection;
  beforeAll(async () => {
    let bootstrap: string;
    ({broker, bootstrap} = await startBroker({autoCreateTopics: false}));
    await broker.createTopic('orders', 1, {'retention.ms': '1000'});
    const {host, port} = parseHostPort(bootstrap, '127.0.0.1', 'bootstrap');
    conn = await WireConnection.connect(host, port);
    await conn.negotiate(ApiVersions);
  });
  afterAll(async () => {
    conn?.close();
    await broker?.close();
  });

  async function alter(configs: Array<{name: string; configOperation: number; value: string | null}>, version = 1) {
    const res = await conn.request(IncrementalAlterConfigs, conn.pick(IncrementalAlterConfigs, [0, version]), {
      resources: [{resourceType: TOPIC, resourceName: 'orders', configs}],
      validateOnly: false,
    });
    return res.responses[0];
  }

  it('sets and deletes single keys, keeping the other overrides', async () => {
    expect(await alter([{name: 'segment.ms', configOperation: SET, value: '60000'}])).toMatchObject({errorCode: ErrorCode.NONE, errorMessage: null});
    expect(broker.logs.topic('orders')!.overrides).toEqual({'retention.ms': '1000', 'segment.ms': '60000'});
    expect(await alter([{name: 'retention.ms', configOperation: DELETE, value: null}], 0)).toMatchObject({errorCode: ErrorCode.NONE});
    expect(broker.logs.topic('orders')!.overrides).toEqual({'segment.ms': '60000'});
    expect(broker.logs.topic('orders')!.config.retentionMs).toBe(604800000);
  });

  it('appends to and subtracts from list configs only', async () => {
    expect(await alter([{name: 'cleanup.policy', configOperation: SUBTRACT, value: 'compact'}])).toMatchObject({errorCode: ErrorCode.NONE});
    expect(broker.logs.topic('orders')!.overrides['cleanup.policy']).toBe('delete');
    const notList = await alter([{name: 'segment.ms', configOperation: APPEND, value: '1'}]);
    expect(notList.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(notList.errorMessage).toMatch(/segment\.ms is not a list.*APPEND/);
  });

  it('refuses a bad value with INVALID_CONFIG naming the config and why, changing nothing', async () => {
    const before = {...broker.logs.topic('orders')!.overrides};
    const r = await alter([{name: 'segment.ms', configOperation: SET, value: '5'}, {name: 'preallocate', configOperation: SET, value: 'sometimes'}]);
    expect(r.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(r.errorMessage).toMatch(/topic config preallocate: use true or false/);
    expect(broker.logs.topic('orders')!.overrides).toEqual(before);
  });
});
