/**
 * Learning-rate multipliers of diffusers.get_scheduler (spec §3.4). `step` is the number of
 * optimiser steps already taken, `warmup` and `total` are in steps.
 */
export const scheduleTypes = ["constant", "constant_with_warmup", "linear", "cosine", "cosine_with_restarts", "polynomial"] as const;
export type ScheduleType = (typeof scheduleTypes)[number];

export interface ScheduleOptions {
  type: ScheduleType;
  warmup: number;
  total: number;
  numCycles: number;
  power: number;
  /** Base learning rate (polynomial decays to lrEnd absolute). */
  lr: number;
  lrEnd?: number;
}

export function lrMultiplier(o: ScheduleOptions, step: number): number {
  const { warmup: w, total: T } = o;
  if (o.type === "constant") return 1;
  if (step < w) return step / Math.max(1, w);
  if (o.type === "constant_with_warmup") return 1;
  const progress = (step - w) / Math.max(1, T - w);
  switch (o.type) {
    case "linear":
      return Math.max(0, (T - step) / Math.max(1, T - w));
    case "cosine":
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * 2 * o.numCycles * progress)));
    case "cosine_with_restarts":
      if (progress >= 1) return 0;
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * ((o.numCycles * progress) % 1))));
    case "polynomial": {
      const lrEnd = o.lrEnd ?? 1e-7;
      if (step > T) return lrEnd / o.lr;
      return ((o.lr - lrEnd) * (1 - (step - w) / (T - w)) ** o.power + lrEnd) / o.lr;
    }
  }
}
