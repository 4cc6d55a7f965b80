import {describe, expect, it} from 'vitest';
import {startBroker} from '../helpers/broker.js';

describe('a broker closing gracefully', () => {
  it('still knows the address it advertises once it stopped listening (requests in flight are answered then)', async () => {
    const {broker} = await startBroker();
    const advertised = broker.advertised;
    const listening = broker.listening;
    await broker.close();
    // Metadata answered in the grace period names the broker by these: it used to throw (no address).
    expect(broker.advertised).toEqual(advertised);
    expect(broker.listening).toEqual(listening);
  });
});
