import {FakeClock} from '../../src/coordinator/clock.js';
import {GroupCoordinator, type GroupCoordinatorOptions, type JoinGroupRequest, type JoinGroupResult} from '../../src/coordinator/group-coordinator.js';

export const SESSION_MS = 10_000;
export const REBALANCE_MS = 30_000;

export function setup(opts: GroupCoordinatorOptions = {}) {
  const clock = new FakeClock(1_700_000_000_000);
  const gc = new GroupCoordinator({clock, initialRebalanceDelayMs: 0, ...opts});
  return {clock, gc};
}

export function protocols(...specs: Array<[string, string]>) {
  return specs.map(([name, meta]) => ({name, metadata: Buffer.from(meta)}));
}

export function joinRequest(over: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: REBALANCE_MS,
    protocolType: 'consumer',
    protocols: protocols(['range', 'meta']),
    requireKnownMemberId: false,
    ...over,
  };
}

/** A promise whose state the test can look at without awaiting it. */
export interface Tracked<T> {
  done: boolean;
  value: T | undefined;
  promise: Promise<T>;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const t: Tracked<T> = {done: false, value: undefined, promise};
  void promise.then((v) => {
    t.done = true;
    t.value = v;
  });
  return t;
}

/** Lets resolved promises run their callbacks. */
export async function flush(): Promise<void> {
  await new Promise((r) => setImmediate(r));
}

/** JoinGroup v4+: MEMBER_ID_REQUIRED, then the rejoin with the given id (returned unresolved). */
export async function joinV4(gc: GroupCoordinator, over: Partial<JoinGroupRequest> = {}): Promise<{memberId: string; join: Tracked<JoinGroupResult>}> {
  const first = await gc.join(joinRequest({...over, memberId: '', requireKnownMemberId: true}));
  if (first.errorCode !== 79) throw new Error(`expected MEMBER_ID_REQUIRED, got ${first.errorCode}`);
  const join = track(gc.join(joinRequest({...over, memberId: first.memberId, requireKnownMemberId: true})));
  await flush();
  return {memberId: first.memberId, join};
}
