import {describe, expect, it} from 'vitest';
import {MemoryChannel} from '../../src/channels/memory-channel.js';
import {makeEvent} from '../../src/pipeline/event.js';

const events = (...bodies: string[]) => bodies.map((b) => makeEvent(b));
const bodies = (tx: {events: ReadonlyArray<{body: Buffer}>} | null) => tx?.events.map((e) => e.body.toString());

/** Whether a promise settled (by the time pending callbacks ran). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('memory channel', () => {
  it('resolves a put only once a take of all its events was committed', async () => {
    const channel = new MemoryChannel({name: 'c'});
    const put = channel.put(events('a', 'b', 'c'));
    const first = await channel.take(2, 100);
    expect(bodies(first)).toEqual(['a', 'b']);
    await first!.commit();
    expect(await settled(put)).toBe(false);
    const second = await channel.take(10, 100);
    expect(bodies(second)).toEqual(['c']);
    await second!.commit();
    await put;
    expect(channel.fill().events).toBe(0);
  });

  it('hands rolled-back events out again, first and in order', async () => {
    const channel = new MemoryChannel({name: 'c'});
    void channel.put(events('1', '2'));
    void channel.put(events('3'));
    const tx = await channel.take(2, 100);
    await tx!.rollback();
    expect(bodies(await channel.take(10, 100))).toEqual(['1', '2', '3']);
  });

  it('settles each put once all its events were committed, through takes that cut across puts and roll back', async () => {
    const channel = new MemoryChannel({name: 'c'});
    const a = channel.put(events('a1', 'a2', 'a3'));
    const b = channel.put(events('b1', 'b2'));
    const first = await channel.take(2, 100);
    const second = await channel.take(2, 100);
    expect([bodies(first), bodies(second)]).toEqual([
      ['a1', 'a2'],
      ['a3', 'b1'],
    ]);
    await second!.rollback();
    await first!.commit();
    expect(await settled(a)).toBe(false);
    const again = await channel.take(10, 100);
    expect(bodies(again)).toEqual(['a3', 'b1', 'b2']);
    await again!.commit();
    await Promise.all([a, b]);
    expect(channel.fill()).toMatchObject({events: 0, bytes: 0});
  });

  it('makes a put wait while the channel is full, and admits it when a commit frees room', async () => {
    const channel = new MemoryChannel({name: 'c', capacityEvents: 2});
    void channel.put(events('a', 'b'));
    const waiting = channel.put(events('c'));
    const tx = await channel.take(10, 100);
    expect(bodies(tx)).toEqual(['a', 'b']);
    expect(await channel.take(10, 10)).toBeNull();
    await tx!.commit();
    expect(bodies(await channel.take(10, 100))).toEqual(['c']);
    expect(await settled(waiting)).toBe(false);
  });

  it('bounds by bytes too, but admits one oversized batch into an empty channel', async () => {
    const channel = new MemoryChannel({name: 'c', capacityBytes: 4});
    void channel.put(events('123456'));
    const second = channel.put(events('x'));
    const tx = await channel.take(10, 100);
    expect(bodies(tx)).toEqual(['123456']);
    await tx!.commit();
    expect(bodies(await channel.take(10, 100))).toEqual(['x']);
    expect(await settled(second)).toBe(false);
  });

  it('rejects puts whose events were not delivered when it closes', async () => {
    const channel = new MemoryChannel({name: 'c'});
    const put = channel.put(events('a'));
    await channel.close();
    await expect(put).rejects.toThrow(/closed before its events were delivered/);
    expect(await channel.take(1, 10)).toBeNull();
  });
});
