/**
 * Kafka's "cooperative-sticky" assignor (KIP-54 stickiness, KIP-429 incremental cooperative
 * rebalancing), for one topic: a pure function of the partitions and what each member says it
 * owns, so the group leader's decision can be tested on its own.
 *
 * - Balanced: every member gets ⌊n/m⌋ or ⌈n/m⌉ of the n partitions.
 * - Sticky: a member keeps what it owned as far as balance allows; the partitions nobody owns (new
 *   ones, or those of members that left) and those taken from members over their share go to the
 *   members with the fewest.
 * - Cooperative: a partition moving from member A to member B is not handed to B in this
 *   generation (A still reads it). A, seeing it gone from its assignment, finishes it and joins
 *   again at once; in that next rebalance nobody owns it and B gets it.
 */

export interface StickyMember {
  memberId: string;
  /** The partitions of this topic the member says it owns. */
  owned: readonly number[];
  /** The generation the member owned them in (-1: unknown, an older client). */
  generation: number;
}

export interface StickyResult {
  /** Per member, the partitions it owns in the new generation (sorted). */
  assignment: Map<string, number[]>;
  /** Partitions moving to another member, given to nobody this generation (the owner revokes them first). */
  withheld: number[];
}

/**
 * The owner of each partition as claimed by the members: a partition claimed by several members
 * goes to the claim of the newest generation; claims of the same generation cancel out (nobody
 * can tell which is current), as in Kafka's AbstractStickyAssignor.
 */
export function currentOwners(partitions: readonly number[], members: readonly StickyMember[]): Map<number, string> {
  const exists = new Set(partitions);
  const best = new Map<number, {memberId: string; generation: number; contested: boolean}>();
  for (const m of members) {
    for (const p of new Set(m.owned)) {
      if (!exists.has(p)) continue;
      const seen = best.get(p);
      if (!seen || m.generation > seen.generation) best.set(p, {memberId: m.memberId, generation: m.generation, contested: false});
      else if (m.generation === seen.generation) seen.contested = true;
    }
  }
  const owners = new Map<number, string>();
  for (const [p, claim] of best) if (!claim.contested) owners.set(p, claim.memberId);
  return owners;
}

/** The sticky, balanced assignment of `partitions` over `members`, and the cooperative adjustment. */
export function assignCooperativeSticky(partitions: readonly number[], members: readonly StickyMember[]): StickyResult {
  const assignment = new Map<string, number[]>();
  if (members.length === 0) return {assignment, withheld: []};
  const owners = currentOwners(partitions, members);
  const ids = members.map((m) => m.memberId).sort();
  const kept = new Map<string, number[]>(ids.map((id) => [id, []]));
  for (const [p, id] of [...owners].sort((a, b) => a[0] - b[0])) kept.get(id)!.push(p);

  const min = Math.floor(partitions.length / ids.length);
  // How many members may hold one more than `min`.
  let extra = partitions.length % ids.length;
  const pool: number[] = partitions.filter((p) => !owners.has(p));
  // Members owning the most keep their surplus first, so that as few partitions move as possible.
  for (const id of [...ids].sort((a, b) => kept.get(b)!.length - kept.get(a)!.length || a.localeCompare(b))) {
    const mine = kept.get(id)!;
    let quota = min;
    if (mine.length > min && extra > 0) {
      quota = min + 1;
      extra--;
    }
    pool.push(...mine.splice(quota));
  }
  pool.sort((a, b) => a - b);
  // Fill the members below their share, fewest first; then the remaining ⌈n/m⌉ places.
  const fewestFirst = () => [...ids].sort((a, b) => kept.get(a)!.length - kept.get(b)!.length || a.localeCompare(b));
  for (const id of fewestFirst()) while (kept.get(id)!.length < min && pool.length > 0) kept.get(id)!.push(pool.shift()!);
  for (const id of fewestFirst()) {
    if (pool.length === 0 || extra === 0) break;
    if (kept.get(id)!.length === min) {
      kept.get(id)!.push(pool.shift()!);
      extra--;
    }
  }

  const withheld: number[] = [];
  for (const id of ids) {
    const given = kept.get(id)!.filter((p) => {
      const owner = owners.get(p);
      if (owner === undefined || owner === id) return true;
      withheld.push(p);
      return false;
    });
    assignment.set(id, given.sort((a, b) => a - b));
  }
  return {assignment, withheld: withheld.sort((a, b) => a - b)};
}
