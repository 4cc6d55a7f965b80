import {describe, expect, it} from 'vitest';
import {electLeader} from '../../src/cluster/controller.js';

const state = (leader: number, isr: number[], leaderEpoch = 4) => ({controllerEpoch: 1, leader, leaderEpoch, isr});

describe("the controller's leader election", () => {
  it('picks the first live ISR member in assignment order and bumps the epoch', () => {
    expect(electLeader(state(1, [1, 2, 3]), [1, 3, 2], new Set([2, 3]), false)).toEqual({leader: 3, leaderEpoch: 5, isr: [2, 3]});
  });

  it('only drops dead followers from the ISR while the leader lives (same epoch)', () => {
    expect(electLeader(state(1, [1, 2, 3]), [1, 2, 3], new Set([1, 3]), false)).toEqual({leader: 1, leaderEpoch: 4, isr: [1, 3]});
    expect(electLeader(state(1, [1, 2, 3]), [1, 2, 3], new Set([1, 2, 3]), false)).toBeUndefined();
  });

  it('leaves the partition offline rather than elect a replica outside the ISR, unless unclean election is on', () => {
    expect(electLeader(state(1, [1]), [1, 2, 3], new Set([2, 3]), false)).toEqual({leader: -1, leaderEpoch: 5, isr: [1]});
    expect(electLeader(state(1, [1]), [1, 2, 3], new Set([2, 3]), true)).toEqual({leader: 2, leaderEpoch: 5, isr: [2]});
  });

  it('brings an offline partition back when its last ISR member returns', () => {
    expect(electLeader(state(-1, [1], 5), [1, 2, 3], new Set([2, 3]), false)).toBeUndefined();
    expect(electLeader(state(-1, [1], 5), [1, 2, 3], new Set([1, 2, 3]), false)).toEqual({leader: 1, leaderEpoch: 6, isr: [1]});
  });
});
