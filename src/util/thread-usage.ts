/**
 * Measures how many OS threads of this process really compute while a piece of work runs, from
 * the per-thread CPU times Linux keeps in /proc/self/task/<tid>/stat. Counting busy threads (not
 * CPU time / wall time) keeps the answer right on a loaded machine, where a thread gets only a
 * share of a core.
 */
import * as fs from "node:fs";

export interface ThreadUsage {
  /** Threads whose CPU time reached at least a quarter of the busiest thread's. */
  busyThreads: number;
  /** CPU time of the whole process per wall-clock second (lower when other jobs share the cores). */
  coresBusy: number;
  wallMs: number;
  /** CPU ms of each thread that ran at all, busiest first. */
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

/** Runs `step` repeatedly until its busiest thread has computed for minMs (and 3 times) (and 3 times) and reports which threads did the work. */
export async function measureThreadUsage(step: () => Promise<void>, work: string, minMs = 600): Promise<ThreadUsage | null> {
  await step(); // warm-up (shader compilation, caches) outside the window
  const before = threadCpuTicks();
  if (!before) return null;
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  let runs = 0;
  // Run until the busiest thread has itself computed for minMs (not wall time): on a loaded machine
  // a short wall window leaves a few ticks per thread, where V8's GC and compiler threads look busy.
  while (runs < 3 || (busiestMs(before) < minMs && performance.now() - t0 < 20 * minMs)) {
    await step();
    runs++;
  }
  const wallMs = performance.now() - t0, cpu = process.cpuUsage(cpu0);
  const after = threadCpuTicks() ?? new Map<string, number>();
  const deltas = [...after].map(([tid, t]) => t - (before.get(tid) ?? 0)).filter((d) => d > 0).sort((a, b) => b - a);
  const top = deltas[0] ?? 0;
  return {
    busyThreads: deltas.filter((d) => d >= Math.max(2, top / 4)).length,
    coresBusy: (cpu.user + cpu.system) / 1000 / wallMs,
    wallMs,
    threadCpuMs: deltas.map((d) => d * TICK_MS),
    work: `${runs} x ${work}`,
  };
}
