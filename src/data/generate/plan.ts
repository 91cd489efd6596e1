/**
 * The work plan of a generation run: which sample indices exist, which split each belongs to, and
 * how they group into shards ("units"). The plan is a pure function of (count, val_perc,
 * shard_size), so N independent jobs (`--shard i/N`) agree on it without talking to each other.
 *
 * Samples 0 … valCount−1 are the validation split (the original put the first val_perc % into val),
 * the rest train. Each split is cut into shards of `shardSize` consecutive samples; the units are
 * numbered validation shards first, then train shards, and job i of N takes units u with u mod N = i.
 */
import { ArgumentError } from "../../util/errors";
import type { SplitName } from "../types";

export interface Unit {
  /** global unit number */
  id: number;
  split: SplitName;
  shardIndex: number;
  shardCount: number;
  /** sample indices [start, end) */
  start: number;
  end: number;
}

export interface Plan {
  count: number;
  valCount: number;
  shardSize: number;
  units: Unit[];
}

export interface ShardSpec {
  index: number;
  total: number;
}

/** Parses `i/N` (0 ≤ i < N). */
export function parseShard(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index >= total) throw new ArgumentError("--shard", "i/N with 0 <= i < N (e.g. 0/4)", text);
  return { index, total };
}

export function makePlan(count: number, valPerc: number, shardSize: number): Plan {
  // idx < count·val_perc/100 → validation, as the original's loop (so ceil of the bound)
  const valCount = Math.min(count, Math.ceil((count * valPerc) / 100 - 1e-9));
  const units: Unit[] = [];
  const addSplit = (split: SplitName, start: number, end: number) => {
    const n = end - start;
    const shardCount = Math.ceil(n / shardSize);
    for (let k = 0; k < shardCount; k++)
      units.push({ id: units.length, split, shardIndex: k, shardCount, start: start + k * shardSize, end: Math.min(end, start + (k + 1) * shardSize) });
  };
  addSplit("validation", 0, valCount);
  addSplit("train", valCount, count);
  return { count, valCount, shardSize, units };
}

export function unitsOfShard(plan: Plan, shard: ShardSpec): Unit[] {
  return plan.units.filter((u) => u.id % shard.total === shard.index);
}

export function splitOf(plan: Plan, index: number): SplitName {
  return index < plan.valCount ? "validation" : "train";
}
