import {describe, expect, it} from 'vitest';
import {assignCooperativeSticky, currentOwners, type StickyMember} from '../../src/client/sticky-assignor.js';

const P6 = [0, 1, 2, 3, 4, 5];
const member = (memberId: string, owned: number[] = [], generation = 1): StickyMember => ({memberId, owned, generation});
const counts = (a: Map<string, number[]>) => [...a.values()].map((ps) => ps.length).sort();
const all = (a: Map<string, number[]>) => [...a.values()].flat().sort((x, y) => x - y);

describe('cooperative-sticky assignor', () => {
  it('spreads the partitions evenly over members that own nothing yet', () => {
    const {assignment, withheld} = assignCooperativeSticky(P6, [member('a'), member('b'), member('c'), member('d')]);
    expect(counts(assignment)).toEqual([1, 1, 2, 2]);
    expect(all(assignment)).toEqual(P6);
    expect(withheld).toEqual([]);
  });

  it('leaves a balanced group exactly as it is', () => {
    const {assignment, withheld} = assignCooperativeSticky(P6, [member('a', [0, 4, 5]), member('b', [1, 2, 3])]);
    expect(assignment).toEqual(new Map([['a', [0, 4, 5]], ['b', [1, 2, 3]]]));
    expect(withheld).toEqual([]);
  });

  it('a member joining: the owner keeps its share, and the partitions moving are withheld this generation', () => {
    const {assignment, withheld} = assignCooperativeSticky(P6, [member('a', P6), member('b')]);
    // a keeps three of its six without interruption; the other three move to b, but only once a
    // has revoked them: this generation gives them to nobody.
    expect(assignment.get('a')).toEqual([0, 1, 2]);
    expect(assignment.get('b')).toEqual([]);
    expect(withheld).toEqual([3, 4, 5]);
    // The follow-up rebalance, a owning only what it kept: b gets the three.
    const next = assignCooperativeSticky(P6, [member('a', [0, 1, 2], 2), member('b', [], 2)]);
    expect(next.assignment).toEqual(new Map([['a', [0, 1, 2]], ['b', [3, 4, 5]]]));
    expect(next.withheld).toEqual([]);
  });

  it('a third member: each of the two owners gives up one partition, nothing else moves', () => {
    const {assignment, withheld} = assignCooperativeSticky(P6, [member('a', [0, 1, 2]), member('b', [3, 4, 5]), member('c')]);
    expect(assignment.get('a')).toEqual([0, 1]);
    expect(assignment.get('b')).toEqual([3, 4]);
    expect(assignment.get('c')).toEqual([]);
    expect(withheld).toEqual([2, 5]);
  });

  it('a member that left: its partitions (owned by no one present) go to the others at once, which keep theirs', () => {
    const {assignment, withheld} = assignCooperativeSticky(P6, [member('a', [0, 1]), member('c', [4, 5])]);
    expect(withheld).toEqual([]);
    expect(assignment.get('a')).toEqual(expect.arrayContaining([0, 1]));
    expect(assignment.get('c')).toEqual(expect.arrayContaining([4, 5]));
    expect(counts(assignment)).toEqual([3, 3]);
    expect(all(assignment)).toEqual(P6);
  });

  it('balances when an owner holds more than its share and new partitions appear', () => {
    const partitions = [0, 1, 2, 3, 4, 5, 6, 7];
    const {assignment, withheld} = assignCooperativeSticky(partitions, [member('a', [0, 1, 2, 3, 4]), member('b', [5]), member('c')]);
    // 8 over 3: 3, 3, 2. a keeps three of its five, b keeps 5 and gets 6 and 7 (nobody owned them).
    expect(assignment.get('a')).toEqual([0, 1, 2]);
    expect(assignment.get('b')).toEqual([5, 6, 7]);
    expect(assignment.get('c')).toEqual([]);
    expect(withheld).toEqual([3, 4]);
    expect(counts(assignCooperativeSticky(partitions, [member('a', [0, 1, 2], 2), member('b', [5, 6, 7], 2), member('c', [], 2)]).assignment)).toEqual([2, 3, 3]);
  });

  it('ignores claims on partitions the topic no longer has, and more members than partitions leaves some idle', () => {
    const {assignment} = assignCooperativeSticky([0, 1], [member('a', [0, 7]), member('b'), member('c')]);
    expect(assignment.get('a')).toEqual([0]);
    expect(counts(assignment)).toEqual([0, 1, 1]);
  });

  it('a partition claimed twice belongs to the newer generation; claims of one generation cancel out', () => {
    expect(currentOwners(P6, [member('a', [0], 3), member('b', [0], 4)]).get(0)).toBe('b');
    expect(currentOwners(P6, [member('a', [0], 4), member('b', [0], 4)]).has(0)).toBe(false);
    // The stale claim does not make the partition withheld from the member that owns it now.
    const {assignment, withheld} = assignCooperativeSticky([0, 1], [member('a', [0, 1], 3), member('b', [1], 4)]);
    expect(assignment).toEqual(new Map([['a', [0]], ['b', [1]]]));
    expect(withheld).toEqual([]);
  });

  it('is deterministic whatever order the members come in', () => {
    const members = [member('m3', [1, 2]), member('m1', [0, 3, 4, 5]), member('m2')];
    const one = assignCooperativeSticky(P6, members);
    const two = assignCooperativeSticky(P6, [...members].reverse());
    expect(two).toEqual(one);
  });
});
