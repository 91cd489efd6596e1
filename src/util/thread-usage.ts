/**
 * Measures how many OS threads of this process really compute while a piece of work runs, from
 * the per-thread CPU times Linux keeps in /proc/self/task/<tid>/stat. Counting busy threads (not
 * CPU time / wall time) keeps the answer right on a loaded machine, where a thread gets only a
 * share of a core.
 */
import * as fs from "node:fs";

export interface ThreadUsage {
  /** Threads that computed in both measuring windows, at least 0.4 of the busiest thread's CPU time. */
  busyThreads: number;
  /** CPU time of the whole process per wall-clock second (lower when other jobs share the cores). */
  coresBusy: number;
  wallMs: number;
  /** CPU ms of each thread that computed in both measuring windows (the smaller of the two), busiest first. */
  threadCpuMs: number[];
  work: string;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of every thread of this process, in clock ticks; null where /proc is missing. */
export function threadCpuTicks(): Map<string, number> | null {
  let tids: string[];
  try {
    tids = fs.readdirSync("/proc/self/task");
  } catch {
    return null;
  }
  const out = new Map<string, number>();
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(tid, Number(rest[11]) + Number(rest[12]));
    } catch {
      /* the thread ended meanwhile */
    }
  }
  return out;
}

/** CPU use of one piece of work: wall time, the process's CPU time, and each thread's share. */
export interface CpuMeter {
  wallMs: number;
  /** CPU time of all threads of the process (workers included). */
  cpuMs: number;
  /** CPU ms of each thread that ran, busiest first (empty where /proc is missing). */
  threadCpuMs: number[];
}

/**
 * Runs `work` and meters it. On a shared machine wall time depends on the load, while cpuMs and
 * cpuMs / max(threadCpuMs) (the speed-up the split of the work allows on free cores) do not.
 */
export async function meterCpu<T>(work: () => T | Promise<T>): Promise<{ result: T; meter: CpuMeter }> {
  const before = threadCpuTicks();
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  const result = await work();
  const wallMs = performance.now() - t0, cpu = process.cpuUsage(cpu0);
  const after = threadCpuTicks();
  const threadCpuMs = before && after ? [...after].map(([tid, t]) => (t - (before.get(tid) ?? 0)) * TICK_MS).filter((d) => d > 0).sort((a, b) => b - a) : [];
  return { result, meter: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, threadCpuMs } };
}

/** CPU ms of this process's busiest thread since `before`. */
function busiestMs(before: Map<string, number>): number {
  const now = threadCpuTicks() ?? new Map<string, number>();
  let top = 0;
  for (const [tid, t] of now) top = Math.max(top, t - (before.get(tid) ?? 0));
  return top * TICK_MS;
}

/** Per-thread CPU ticks of one window: `step` runs until the busiest thread has computed minMs. */
async function meterWindow(step: () => Promise<void>, minMs: number): Promise<{ ticks: Map<string, number>; runs: number } | null> {
  const before = threadCpuTicks();
  if (!before) return null;
  const t0 = performance.now();
  let runs = 0;
  // CPU time, not wall time, bounds the window: on a loaded machine a short wall window leaves a few
  // ticks per thread, where V8's GC and compiler threads look as busy as the compute threads.
  while (runs < 3 || (busiestMs(before) < minMs && performance.now() - t0 < 20 * minMs)) {
    await step();
    runs++;
  }
  const after = threadCpuTicks() ?? new Map<string, number>();
  const ticks = new Map<string, number>();
  for (const [tid, t] of after) ticks.set(tid, t - (before.get(tid) ?? 0));
  return { ticks, runs };
}

/**
 * Runs `step` repeatedly in two back-to-back windows and reports which threads did the work. A
 * thread counts as busy only when it computed in BOTH windows (the smaller of its two CPU times is
 * at least 0.4 of the busiest thread's; an OpenMP worker sharing a matMul measured 0.5-0.6 of the
 * main thread, the engine's helper threads at most 0.27): the JS engine's background work (wasm tier-up
 * compilation, GC) comes in bursts and drops out, the backend's compute threads do not.
 */
export async function measureThreadUsage(step: () => Promise<void>, work: string, minMs = 600): Promise<ThreadUsage | null> {
  // Warm-up outside the windows (shader compilation, caches, and the JS engine's wasm tier-up
  // compilation, which runs on background threads for a while after the first calls).
  if (!(await meterWindow(step, minMs / 2))) return null;
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  const a = await meterWindow(step, minMs / 2);
  if (!a) return null;
  const b = (await meterWindow(step, minMs / 2))!;
  const wallMs = performance.now() - t0, cpu = process.cpuUsage(cpu0);
  const steady = [...b.ticks].map(([tid, t]) => Math.min(t, a.ticks.get(tid) ?? 0)).filter((d) => d > 0).sort((x, y) => y - x);
  const top = steady[0] ?? 0;
  return {
    busyThreads: steady.filter((d) => d >= Math.max(2, 0.4 * top)).length,
    coresBusy: (cpu.user + cpu.system) / 1000 / wallMs,
    wallMs,
    threadCpuMs: steady.map((d) => d * TICK_MS),
    work: `${a.runs + b.runs} x ${work}`,
  };
}
