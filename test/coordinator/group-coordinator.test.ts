import {describe, expect, it} from 'vitest';
import type {GroupCoordinator} from '../../src/coordinator/group-coordinator.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {REBALANCE_MS, SESSION_MS, flush, joinRequest, joinV4, protocols, setup, track} from './helpers.js';

const E = ErrorCode;

/** Brings up a group with the given members in one generation, all synced, leader first. */
async function stableGroup(gc: GroupCoordinator, n: number, groupId = 'g') {
  const ids: string[] = [];
  // First member alone: generation 1.
  const a = await gc.join(joinRequest({groupId, clientId: 'c0', protocols: protocols(['range', 'm0'])}));
  ids.push(a.memberId);
  await gc.sync({groupId, memberId: a.memberId, generationId: a.generationId, assignments: [{memberId: a.memberId, assignment: Buffer.from('a0')}]});
  if (n === 1) return {ids, generationId: a.generationId};
  // The others join; the first learns from its heartbeat and rejoins.
  const joins = [];
  for (let i = 1; i < n; i++) joins.push(track(gc.join(joinRequest({groupId, clientId: `c${i}`, protocols: protocols(['range', `m${i}`])}))));
  await flush();
  expect(gc.heartbeat({groupId, memberId: a.memberId, generationId: a.generationId})).toBe(E.REBALANCE_IN_PROGRESS);
  const rejoin = await gc.join(joinRequest({groupId, memberId: a.memberId, clientId: 'c0', protocols: protocols(['range', 'm0'])}));
  await flush();
  for (const j of joins) {
    expect(j.done).toBe(true);
    ids.push(j.value!.memberId);
  }
  const gen = rejoin.generationId;
  const syncs = ids.slice(1).map((id) => track(gc.sync({groupId, memberId: id, generationId: gen, assignments: []})));
  await gc.sync({
    groupId,
    memberId: ids[0]!,
    generationId: gen,
    assignments: ids.map((id, i) => ({memberId: id, assignment: Buffer.from(`a${i}`)})),
  });
  await flush();
  for (const s of syncs) expect(s.value!.errorCode).toBe(E.NONE);
  return {ids, generationId: gen};
}

describe('GroupCoordinator: join, sync, heartbeat', () => {
  it('takes a single member from Empty to Stable', async () => {
    const {gc} = setup();
    const join = await gc.join(joinRequest());
    expect(join.errorCode).toBe(E.NONE);
    expect(join.generationId).toBe(1);
    expect(join.protocolName).toBe('range');
    expect(join.leader).toBe(join.memberId);
    expect(join.memberId).toMatch(/^client-[0-9a-f-]{36}$/);
    expect(join.members).toEqual([{memberId: join.memberId, groupInstanceId: null, metadata: Buffer.from('meta')}]);
    expect(gc.groupState('g')).toBe('CompletingRebalance');

    // Heartbeats between JoinGroup and SyncGroup are normal heartbeats.
    expect(gc.heartbeat({groupId: 'g', memberId: join.memberId, generationId: 1})).toBe(E.NONE);

    const sync = await gc.sync({groupId: 'g', memberId: join.memberId, generationId: 1, assignments: [{memberId: join.memberId, assignment: Buffer.from('assign')}]});
    expect(sync).toEqual({errorCode: E.NONE, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('assign')});
    expect(gc.groupState('g')).toBe('Stable');
    expect(gc.heartbeat({groupId: 'g', memberId: join.memberId, generationId: 1})).toBe(E.NONE);

    const d = gc.describeGroup('g');
    expect(d).toMatchObject({errorCode: E.NONE, state: 'Stable', protocolType: 'consumer', protocol: 'range'});
    expect(d.members).toEqual([
      {memberId: join.memberId, groupInstanceId: null, clientId: 'client', clientHost: '/127.0.0.1', metadata: Buffer.from('meta'), assignment: Buffer.from('assign')},
    ]);
    expect(gc.listGroups()).toEqual([{groupId: 'g', protocolType: 'consumer', state: 'Stable'}]);

    // A follower-style SyncGroup while Stable just returns the stored assignment.
    const again = await gc.sync({groupId: 'g', memberId: join.memberId, generationId: 1, assignments: []});
    expect(again.assignment).toEqual(Buffer.from('assign'));
  });

  it('asks a v4+ client for a member id first (MEMBER_ID_REQUIRED)', async () => {
    const {gc, clock} = setup();
    const first = await gc.join(joinRequest({requireKnownMemberId: true, clientId: 'kafkajs'}));
    expect(first.errorCode).toBe(E.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^kafkajs-/);
    expect(first.generationId).toBe(-1);
    // Not a member yet.
    expect(gc.heartbeat({groupId: 'g', memberId: first.memberId, generationId: -1})).toBe(E.UNKNOWN_MEMBER_ID);

    const second = await gc.join(joinRequest({requireKnownMemberId: true, memberId: first.memberId, clientId: 'kafkajs'}));
    expect(second.errorCode).toBe(E.NONE);
    expect(second.memberId).toBe(first.memberId);
    expect(second.generationId).toBe(1);

    // An id handed out but not used within the session timeout expires.
    const unused = await gc.join(joinRequest({requireKnownMemberId: true}));
    clock.advance(SESSION_MS + 1);
    const late = await gc.join(joinRequest({requireKnownMemberId: true, memberId: unused.memberId}));
    expect(late.errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('rebalances when members join late: generation increments and the leader gets all metadata', async () => {
    const {gc} = setup();
    const {ids, generationId} = await stableGroup(gc, 2);
    expect(generationId).toBe(2);

    // A third member arrives late.
    const c = await joinV4(gc, {clientId: 'late', protocols: protocols(['range', 'm2'])});
    expect(c.join.done).toBe(false);
    expect(gc.groupState('g')).toBe('PreparingRebalance');
    for (const id of ids) expect(gc.heartbeat({groupId: 'g', memberId: id, generationId})).toBe(E.REBALANCE_IN_PROGRESS);

    const leaderJoin = track(gc.join(joinRequest({memberId: ids[0], protocols: protocols(['range', 'm0'])})));
    await flush();
    // Held until every known member has rejoined.
    expect(leaderJoin.done).toBe(false);
    const follower = await gc.join(joinRequest({memberId: ids[1], protocols: protocols(['range', 'm1'])}));
    await flush();
    expect(leaderJoin.done && c.join.done).toBe(true);

    const leader = leaderJoin.value!;
    expect(leader.generationId).toBe(3);
    expect(leader.leader).toBe(ids[0]);
    expect(leader.members.map((m) => [m.memberId, m.metadata.toString()])).toEqual([
      [ids[0], 'm0'],
      [ids[1], 'm1'],
      [c.memberId, 'm2'],
    ]);
    expect(follower.members).toEqual([]);
    expect(c.join.value!.members).toEqual([]);
    expect(follower.leader).toBe(ids[0]);

    // Followers park in SyncGroup until the leader's assignment arrives.
    const s1 = track(gc.sync({groupId: 'g', memberId: ids[1]!, generationId: 3, assignments: []}));
    const s2 = track(gc.sync({groupId: 'g', memberId: c.memberId, generationId: 3, assignments: []}));
    await flush();
    expect(s1.done || s2.done).toBe(false);
    // The leader leaves the late member out: it gets empty bytes, not a missing answer.
    const s0 = await gc.sync({groupId: 'g', memberId: ids[0]!, generationId: 3, assignments: [
      {memberId: ids[0]!, assignment: Buffer.from('x0')},
      {memberId: ids[1]!, assignment: Buffer.from('x1')},
    ]});
    await flush();
    expect(s0.assignment).toEqual(Buffer.from('x0'));
    expect(s1.value).toMatchObject({errorCode: E.NONE, assignment: Buffer.from('x1')});
    expect(s2.value).toMatchObject({errorCode: E.NONE, assignment: Buffer.alloc(0)});
    expect(gc.groupState('g')).toBe('Stable');
  });

  it('delays the first rebalance of an empty group while members keep arriving', async () => {
    const {gc, clock} = setup({initialRebalanceDelayMs: 3000});
    const a = track(gc.join(joinRequest({clientId: 'a'})));
    clock.advance(1000);
    const b = track(gc.join(joinRequest({clientId: 'b'})));
    clock.advance(1500);
    const c = track(gc.join(joinRequest({clientId: 'c'})));
    clock.advance(500); // t=3000: new members came, so the delay is extended once more
    await flush();
    expect([a.done, b.done, c.done]).toEqual([false, false, false]);
    clock.advance(3000); // t=6000: nobody new in this window
    await flush();
    expect([a.done, b.done, c.done]).toEqual([true, true, true]);
    expect(new Set([a.value!.generationId, b.value!.generationId, c.value!.generationId])).toEqual(new Set([1]));
    expect(a.value!.members).toHaveLength(3);
  });

  it('never extends the initial delay beyond the rebalance timeout', async () => {
    const {gc, clock} = setup({initialRebalanceDelayMs: 3000});
    const first = track(gc.join(joinRequest({rebalanceTimeoutMs: 7000})));
    // A new member every second: each 3 s window sees newcomers.
    for (let t = 0; t < 6; t++) {
      clock.advance(1000);
      void gc.join(joinRequest());
    }
    clock.advance(999);
    await flush();
    expect(first.done).toBe(false);
    // 3000 + 3000 + the 1000 left of the 7000 ms rebalance timeout.
    clock.advance(1);
    await flush();
    expect(first.value!.members).toHaveLength(7);
  });

  it('drops a crashed member when its session times out and rebalances without it', async () => {
    const {gc, clock} = setup();
    const {ids, generationId} = await stableGroup(gc, 2);
    // Only the first member keeps heartbeating.
    for (let t = 0; t < SESSION_MS; t += 3000) {
      clock.advance(3000);
      if (gc.groupState('g') !== 'Stable') break;
      expect(gc.heartbeat({groupId: 'g', memberId: ids[0]!, generationId})).toBe(E.NONE);
    }
    expect(gc.groupState('g')).toBe('PreparingRebalance');
    expect(gc.heartbeat({groupId: 'g', memberId: ids[0]!, generationId})).toBe(E.REBALANCE_IN_PROGRESS);
    expect(gc.heartbeat({groupId: 'g', memberId: ids[1]!, generationId})).toBe(E.UNKNOWN_MEMBER_ID);
    const rejoin = await gc.join(joinRequest({memberId: ids[0], protocols: protocols(['range', 'm0'])}));
    expect(rejoin.generationId).toBe(generationId + 1);
    expect(rejoin.members.map((m) => m.memberId)).toEqual([ids[0]]);
  });

  it('removes a member that keeps heartbeating but never rejoins, at the rebalance timeout', async () => {
    const {gc, clock} = setup();
    const {ids, generationId} = await stableGroup(gc, 2);
    const newcomer = track(gc.join(joinRequest({clientId: 'new'})));
    const leader = track(gc.join(joinRequest({memberId: ids[0], protocols: protocols(['range', 'm0'])})));
    // The second member is stuck processing: its heartbeat thread runs, it never rejoins.
    for (let t = 0; t < REBALANCE_MS - 3000; t += 3000) {
      clock.advance(3000);
      expect(gc.heartbeat({groupId: 'g', memberId: ids[1]!, generationId})).toBe(E.REBALANCE_IN_PROGRESS);
    }
    await flush();
    expect(leader.done).toBe(false);
    clock.advance(3000);
    await flush();
    expect(leader.value!.generationId).toBe(generationId + 1);
    expect(leader.value!.members.map((m) => m.memberId)).toEqual([ids[0], newcomer.value!.memberId]);
    expect(gc.heartbeat({groupId: 'g', memberId: ids[1]!, generationId})).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('removes members that never send SyncGroup within the rebalance timeout', async () => {
    const {gc, clock} = setup();
    const {ids, generationId} = await stableGroup(gc, 2);
    const a = track(gc.join(joinRequest({memberId: ids[0], protocols: protocols(['range', 'm0'])})));
    const b = track(gc.join(joinRequest({memberId: ids[1], protocols: protocols(['range', 'm1'])})));
    await flush();
    expect(a.value!.generationId).toBe(generationId + 1);
    // The leader syncs; the follower heartbeats (so its session lives) but never syncs.
    await gc.sync({groupId: 'g', memberId: ids[0]!, generationId: generationId + 1, assignments: []});
    for (let t = 0; t < REBALANCE_MS; t += 3000) {
      clock.advance(3000);
      gc.heartbeat({groupId: 'g', memberId: ids[0]!, generationId: generationId + 1});
      gc.heartbeat({groupId: 'g', memberId: ids[1]!, generationId: generationId + 1});
    }
    expect(b.done).toBe(true);
    expect(gc.describeGroup('g').members.map((m) => m.memberId)).toEqual([ids[0]]);
    expect(gc.groupState('g')).toBe('PreparingRebalance');
  });

  it('waits for a member that was handed an id (pending) until it joins or its session runs out', async () => {
    const {gc, clock} = setup();
    const {ids, generationId} = await stableGroup(gc, 1);
    const newcomer = track(gc.join(joinRequest({clientId: 'b'})));
    // Another client got MEMBER_ID_REQUIRED but has not come back yet.
    const pending = await gc.join(joinRequest({clientId: 'slow', requireKnownMemberId: true}));
    expect(pending.errorCode).toBe(E.MEMBER_ID_REQUIRED);
    const leader = track(gc.join(joinRequest({memberId: ids[0], protocols: protocols(['range', 'm0'])})));
    await flush();
    expect(leader.done || newcomer.done).toBe(false);
    clock.advance(SESSION_MS);
    await flush();
    expect(leader.value!.generationId).toBe(generationId + 1);
    expect(leader.value!.members).toHaveLength(2);
  });

  it('answers a parked new member with UNKNOWN_MEMBER_ID when its connection goes away', async () => {
    const {gc} = setup();
    const {ids, generationId} = await stableGroup(gc, 1);
    const ac = new AbortController();
    const parked = track(gc.join(joinRequest({clientId: 'gone', signal: ac.signal})));
    await flush();
    expect(gc.groupState('g')).toBe('PreparingRebalance');
    ac.abort();
    await flush();
    expect(parked.value!.errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    // The remaining member's rejoin completes the rebalance alone, no waiting for the ghost.
    const rejoin = await gc.join(joinRequest({memberId: ids[0], protocols: protocols(['range', 'm0'])}));
    expect(rejoin).toMatchObject({errorCode: E.NONE, generationId: generationId + 1});
    expect(rejoin.members).toHaveLength(1);
  });
});

describe('GroupCoordinator: rejoin, leave, errors', () => {
  it('returns the current generation to a follower rejoining with the same metadata, and rebalances on change', async () => {
    const {gc} = setup();
    const {ids, generationId} = await stableGroup(gc, 2);
    const same = await gc.join(joinRequest({memberId: ids[1], protocols: protocols(['range', 'm1'])}));
    expect(same).toMatchObject({errorCode: E.NONE, generationId, leader: ids[0], members: []});
    expect(gc.groupState('g')).toBe('Stable');

    const changed = track(gc.join(joinRequest({memberId: ids[1], protocols: protocols(['range', 'other'])})));
    await flush();
    expect(changed.done).toBe(false);
    expect(gc.groupState('g')).toBe('PreparingRebalance');
  });

  it('rebalances when the leader rejoins, even with identical metadata', async () => {
    const {gc} = setup();
    const {ids} = await stableGroup(gc, 2);
    void gc.join(joinRequest({memberId: ids[0], protocols: protocols(['range', 'm0'])}));
    expect(gc.groupState('g')).toBe('PreparingRebalance');
  });

  it('answers followers parked in SyncGroup with REBALANCE_IN_PROGRESS when a rebalance starts', async () => {
    const {gc} = setup();
    const {ids, generationId} = await stableGroup(gc, 2);
    void gc.join(joinRequest({memberId: ids[0], protocols: protocols(['range', 'm0'])}));
    await gc.join(joinRequest({memberId: ids[1], protocols: protocols(['range', 'm1'])}));
    const parked = track(gc.sync({groupId: 'g', memberId: ids[1]!, generationId: generationId + 1, assignments: []}));
    await flush();
    expect(parked.done).toBe(false);
    void gc.join(joinRequest({clientId: 'newcomer'}));
    await flush();
    expect(parked.value!.errorCode).toBe(E.REBALANCE_IN_PROGRESS);
  });

  it('handles LeaveGroup per member and rebalances', async () => {
    const {gc} = setup();
    const {ids, generationId} = await stableGroup(gc, 2);
    const res = gc.leave({groupId: 'g', members: [{memberId: ids[1]!}, {memberId: 'nobody'}]});
    expect(res).toEqual({
      errorCode: E.NONE,
      members: [
        {memberId: ids[1], groupInstanceId: null, errorCode: E.NONE},
        {memberId: 'nobody', groupInstanceId: null, errorCode: E.UNKNOWN_MEMBER_ID},
      ],
    });
    expect(gc.groupState('g')).toBe('PreparingRebalance');
    expect(gc.heartbeat({groupId: 'g', memberId: ids[0]!, generationId})).toBe(E.REBALANCE_IN_PROGRESS);
    const rejoin = await gc.join(joinRequest({memberId: ids[0], protocols: protocols(['range', 'm0'])}));
    expect(rejoin.members.map((m) => m.memberId)).toEqual([ids[0]]);

    // The last member leaving empties the group (a new, empty generation).
    gc.leave({groupId: 'g', members: [{memberId: ids[0]!}]});
    expect(gc.groupState('g')).toBe('Empty');
    expect(gc.leave({groupId: 'nope', members: [{memberId: 'x'}]}).members[0]!.errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('answers ILLEGAL_GENERATION to stale generations', async () => {
    const {gc} = setup();
    const {ids, generationId} = await stableGroup(gc, 1);
    expect(gc.heartbeat({groupId: 'g', memberId: ids[0]!, generationId: generationId - 1})).toBe(E.ILLEGAL_GENERATION);
    expect((await gc.sync({groupId: 'g', memberId: ids[0]!, generationId: generationId + 5, assignments: []})).errorCode).toBe(E.ILLEGAL_GENERATION);
    expect(gc.commitOffsets({groupId: 'g', memberId: ids[0]!, generationId: 0, offsets: [{topic: 't', partition: 0, offset: 1}]})).toEqual([
      {topic: 't', partition: 0, errorCode: E.ILLEGAL_GENERATION},
    ]);
  });

  it('validates JoinGroup input', async () => {
    const {gc} = setup();
    expect((await gc.join(joinRequest({sessionTimeoutMs: 5999}))).errorCode).toBe(E.INVALID_SESSION_TIMEOUT);
    expect((await gc.join(joinRequest({sessionTimeoutMs: 1_800_001}))).errorCode).toBe(E.INVALID_SESSION_TIMEOUT);
    expect((await gc.join(joinRequest({groupId: ''}))).errorCode).toBe(E.INVALID_GROUP_ID);
    expect((await gc.join(joinRequest({memberId: 'made-up'}))).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await gc.join(joinRequest({protocols: []}))).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
    // Rejected joins leave no group behind.
    expect(gc.listGroups()).toEqual([]);

    await gc.join(joinRequest());
    expect((await gc.join(joinRequest({protocolType: 'connect'}))).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
    expect((await gc.join(joinRequest({protocols: protocols(['roundrobin', 'x'])}))).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
    expect(gc.heartbeat({groupId: '', memberId: 'x', generationId: 1})).toBe(E.INVALID_GROUP_ID);
  });

  it('chooses the protocol by vote among those all members support', async () => {
    const {gc} = setup();
    const a = await gc.join(joinRequest({protocols: protocols(['roundrobin', 'a'], ['range', 'a'])}));
    await gc.sync({groupId: 'g', memberId: a.memberId, generationId: 1, assignments: []});
    const b = track(gc.join(joinRequest({protocols: protocols(['range', 'b'], ['roundrobin', 'b'])})));
    const c = track(gc.join(joinRequest({protocols: protocols(['range', 'c'], ['sticky', 'c'], ['roundrobin', 'c'])})));
    const ra = await gc.join(joinRequest({memberId: a.memberId, protocols: protocols(['roundrobin', 'a'], ['range', 'a'])}));
    await flush();
    expect(b.done && c.done).toBe(true);
    expect(ra.protocolName).toBe('range');
    expect(ra.members.map((m) => m.metadata.toString())).toEqual(['a', 'b', 'c']);
  });

  it('members preferring cooperative-sticky get it; one that lacks it (kafkajs) makes the group fall back to range', async () => {
    const {gc} = setup();
    const kcollect = () => protocols(['cooperative-sticky', 'k'], ['range', 'k']);
    const a = await gc.join(joinRequest({protocols: kcollect()}));
    expect(a.protocolName).toBe('cooperative-sticky');
    await gc.sync({groupId: 'g', memberId: a.memberId, generationId: a.generationId, assignments: []});
    const b = track(gc.join(joinRequest({protocols: protocols(['range', 'j'])})));
    const ra = await gc.join(joinRequest({memberId: a.memberId, protocols: kcollect()}));
    await flush();
    expect(b.done).toBe(true);
    expect(ra.protocolName).toBe('range');
    expect(ra.members.map((m) => m.metadata.toString())).toEqual(['k', 'j']);
  });

  it('answers parked requests with NOT_COORDINATOR on close', async () => {
    const {gc, clock} = setup();
    const {ids} = await stableGroup(gc, 1);
    const parked = track(gc.join(joinRequest({clientId: 'x'})));
    await flush();
    expect(parked.done).toBe(false);
    gc.close();
    await flush();
    expect(parked.value!.errorCode).toBe(E.NOT_COORDINATOR);
    expect(clock.pendingTimers).toBe(0);
    expect(gc.heartbeat({groupId: 'g', memberId: ids[0]!, generationId: 1})).toBe(E.NOT_COORDINATOR);
  });
});

describe('GroupCoordinator: static membership', () => {
  it('lets a restarted static member take its slot back without a rebalance, fencing the old id', async () => {
    const {gc} = setup();
    const a = await gc.join(joinRequest({groupInstanceId: 'host-1', requireKnownMemberId: true}));
    // Static members get their id directly (no MEMBER_ID_REQUIRED round trip).
    expect(a.errorCode).toBe(E.NONE);
    await gc.sync({groupId: 'g', memberId: a.memberId, generationId: 1, groupInstanceId: 'host-1', assignments: [{memberId: a.memberId, assignment: Buffer.from('p0')}]});

    const restarted = await gc.join(joinRequest({groupInstanceId: 'host-1'}));
    expect(restarted).toMatchObject({errorCode: E.NONE, generationId: 1, leader: a.memberId});
    expect(restarted.memberId).not.toBe(a.memberId);
    expect(gc.groupState('g')).toBe('Stable');
    const sync = await gc.sync({groupId: 'g', memberId: restarted.memberId, generationId: 1, groupInstanceId: 'host-1', assignments: []});
    expect(sync.assignment).toEqual(Buffer.from('p0'));
    expect(gc.heartbeat({groupId: 'g', memberId: a.memberId, generationId: 1, groupInstanceId: 'host-1'})).toBe(E.FENCED_INSTANCE_ID);
  });
});

describe('GroupCoordinator: offsets', () => {
  it('accepts standalone commits (generation -1, member "") and creates the group Empty', () => {
    const {gc} = setup();
    const res = gc.commitOffsets({groupId: 'solo', memberId: '', generationId: -1, offsets: [
      {topic: 't', partition: 0, offset: 42, leaderEpoch: 3, metadata: 'meta'},
      {topic: 't', partition: 1, offset: 7, metadata: null},
    ]});
    expect(res.map((r) => r.errorCode)).toEqual([E.NONE, E.NONE]);
    expect(gc.describeGroup('solo')).toMatchObject({state: 'Empty', protocolType: '', members: []});
    expect(gc.listGroups()).toEqual([{groupId: 'solo', protocolType: '', state: 'Empty'}]);
    expect(gc.fetchOffsets('solo', [{topic: 't', partition: 0}, {topic: 't', partition: 1}]).offsets).toEqual([
      {topic: 't', partition: 0, offset: 42, leaderEpoch: 3, metadata: 'meta', errorCode: E.NONE},
      {topic: 't', partition: 1, offset: 7, leaderEpoch: -1, metadata: '', errorCode: E.NONE},
    ]);
    // A real generation in a group that does not exist is a member of a vanished group.
    expect(gc.commitOffsets({groupId: 'other', memberId: 'm', generationId: 3, offsets: [{topic: 't', partition: 0, offset: 1}]})[0]!.errorCode).toBe(E.ILLEGAL_GENERATION);
    expect(gc.commitOffsets({groupId: 'solo', memberId: '', generationId: -1, offsets: [{topic: 't', partition: 0, offset: 1, metadata: 'x'.repeat(4097)}]})[0]!.errorCode).toBe(
      E.OFFSET_METADATA_TOO_LARGE,
    );
  });

  it('returns -1 for partitions never committed, and unknown groups are not an error', () => {
    const {gc} = setup();
    gc.commitOffsets({groupId: 'g', memberId: '', generationId: -1, offsets: [{topic: 't', partition: 2, offset: 5}, {topic: 'u', partition: 0, offset: 9}]});
    expect(gc.fetchOffsets('g', [{topic: 't', partition: 0}]).offsets).toEqual([{topic: 't', partition: 0, offset: -1, leaderEpoch: -1, metadata: '', errorCode: E.NONE}]);
    expect(gc.fetchOffsets('unknown', [{topic: 't', partition: 0}])).toEqual({
      errorCode: E.NONE,
      offsets: [{topic: 't', partition: 0, offset: -1, leaderEpoch: -1, metadata: '', errorCode: E.NONE}],
    });
    expect(gc.fetchOffsets('g', null).offsets.map((o) => [o.topic, o.partition, o.offset])).toEqual([
      ['t', 2, 5],
      ['u', 0, 9],
    ]);
    expect(gc.fetchOffsets('unknown', null).offsets).toEqual([]);
  });

  it('checks membership and state for group commits', async () => {
    const {gc} = setup();
    const join = await gc.join(joinRequest());
    const commit = (memberId: string, generationId: number) =>
      gc.commitOffsets({groupId: 'g', memberId, generationId, offsets: [{topic: 't', partition: 0, offset: 1}]})[0]!.errorCode;
    // CompletingRebalance: valid member, but the assignment is not out yet.
    expect(commit(join.memberId, 1)).toBe(E.REBALANCE_IN_PROGRESS);
    await gc.sync({groupId: 'g', memberId: join.memberId, generationId: 1, assignments: []});
    expect(commit(join.memberId, 1)).toBe(E.NONE);
    expect(commit('stranger', 1)).toBe(E.UNKNOWN_MEMBER_ID);
    // Standalone commits are refused once the group has members.
    expect(commit('', -1)).toBe(E.UNKNOWN_MEMBER_ID);
    // Allowed while PreparingRebalance (the member learns about the rebalance from heartbeats).
    void gc.join(joinRequest({clientId: 'other'}));
    expect(gc.groupState('g')).toBe('PreparingRebalance');
    expect(commit(join.memberId, 1)).toBe(E.NONE);
  });

  it('keeps a committing member alive: a commit resets its session timer', async () => {
    const {gc, clock} = setup();
    const {ids, generationId} = await stableGroup(gc, 1);
    for (let i = 0; i < 5; i++) {
      clock.advance(SESSION_MS - 1000);
      gc.commitOffsets({groupId: 'g', memberId: ids[0]!, generationId, offsets: [{topic: 't', partition: 0, offset: i}]});
    }
    expect(gc.groupState('g')).toBe('Stable');
  });

  it('deletes groups: NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, and removes the offsets', async () => {
    const {gc} = setup();
    await stableGroup(gc, 1, 'busy');
    gc.commitOffsets({groupId: 'idle', memberId: '', generationId: -1, offsets: [{topic: 't', partition: 0, offset: 3}]});
    expect(gc.deleteGroups(['busy', 'missing', 'idle'])).toEqual([
      {groupId: 'busy', errorCode: E.NON_EMPTY_GROUP},
      {groupId: 'missing', errorCode: E.GROUP_ID_NOT_FOUND},
      {groupId: 'idle', errorCode: E.NONE},
    ]);
    expect(gc.fetchOffsets('idle', [{topic: 't', partition: 0}]).offsets[0]!.offset).toBe(-1);
    expect(gc.listGroups().map((g) => g.groupId)).toEqual(['busy']);
    expect(gc.describeGroup('idle').state).toBe('Dead');
  });

  it('forgets offsets of a deleted topic', () => {
    const {gc} = setup();
    gc.commitOffsets({groupId: 'a', memberId: '', generationId: -1, offsets: [{topic: 'gone', partition: 0, offset: 1}, {topic: 'kept', partition: 0, offset: 2}]});
    gc.commitOffsets({groupId: 'b', memberId: '', generationId: -1, offsets: [{topic: 'gone', partition: 0, offset: 1}]});
    gc.deleteOffsetsForTopic('gone');
    expect(gc.fetchOffsets('a', null).offsets.map((o) => o.topic)).toEqual(['kept']);
    // An Empty group left without offsets disappears, as in Kafka's cleanup.
    expect(gc.listGroups().map((g) => g.groupId)).toEqual(['a']);
  });
});
