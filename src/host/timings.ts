/**
 * The cost of each source of a run (`--timings`, issue 17): wall time, CPU time and whether a child
 * process did the work. NodeHost writes one entry per read, listing, exec and call into a SourceLog;
 * the runner names the probe that asked (through an AsyncLocalStorage, entered only when timing).
 *
 * CPU of a child: Node's child_process gives no resource usage, and libuv reaps a child as soon as
 * its SIGCHLD is handled. A child's output pipe reaches end-of-file when the kernel closes its files
 * on exit, before it signals its parent, so at stdout's 'end' its /proc/<pid>/stat (utime + stime of
 * the child and its reaped children, clock ticks of 10 ms) is still there to read. When it is not
 * (a descendant held the pipe open past the reaping), the growth of this process's reaped-children
 * sum (cutime + cstime in /proc/self/stat) at the child's exit is charged instead; children reaped
 * in the same turn then share one reading. CPU of children that Host did not start
 * (systeminformation's shell-outs) is `cpuMs.childrenOutsideHost`: the reaped total less what was
 * charged to Host's children.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RunTimings, SourceKind, SourceTiming } from './timing-types.js';
export type { RunTimings, SourceKind, SourceTiming } from './timing-types.js';

/** The probe whose work is running, when the runner times it. */
export const probeScope = new AsyncLocalStorage<string>();

/** USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux ABI Node runs on. */
const TICK_MS = 10;

/** CPU ms from /proc/<pid>/stat: [own utime + stime, reaped children's cutime + cstime], or null off Linux or when gone. */
export function procCpuMs(pid: number | 'self'): [number, number] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses), from field 3 (state): utime is 14, stime 15, cutime 16, cstime 17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [(Number(f[11]) + Number(f[12])) * TICK_MS, (Number(f[13]) + Number(f[14])) * TICK_MS];
  } catch {
    return null;
  }
}

/** Reaped children's CPU ms so far (cutime + cstime of this process), or null off Linux. */
export function childrenCpuMs(): number | null {
  return procCpuMs('self')?.[1] ?? null;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** A command line for the table: absolute program and script paths shortened to their base name, long arguments cut. */
export function commandLabel(file: string, args: readonly string[]): string {
  const short = (a: string) => (path.isAbsolute(a) ? path.basename(a) : a.length > 40 ? `${a.slice(0, 37)}…` : a);
  return [short(file), ...args.map(short)].join(' ');
}

/** Collects the SourceTimings of one run. */
export class SourceLog {
  private readonly entries: SourceTiming[] = [];
  private readonly t0 = performance.now();
  private readonly cpu0 = process.cpuUsage();
  private readonly children0 = childrenCpuMs() ?? 0;
  private lastChildren = childrenCpuMs();
  private attributed = 0;

  /**
   * Times fn as one source. `child`, for an exec, gives the getter that watch() returned when a child
   * was spawned (undefined when none was: a program not found).
   */
  async time<T>(kind: SourceKind, source: string, fn: () => Promise<T>, child?: () => (() => number | null) | undefined, reused?: boolean): Promise<T> {
    const start = performance.now();
    const probe = probeScope.getStore() ?? null;
    try {
      return await fn();
    } finally {
      const spawned = child?.();
      this.entries.push({
        source,
        kind,
        probe,
        startMs: round(start - this.t0),
        durationMs: round(performance.now() - start),
        cpuMs: spawned ? spawned() : null,
        child: spawned !== undefined,
        ...(reused ? { reused: true as const } : {}),
      });
    }
  }

  /** Watches a child Host started; the function returned gives its CPU ms once it has exited (see the module comment). */
  watch(child: ChildProcess): () => number | null {
    let own: number | null = null;
    let reaped: number | null = null;
    child.stdout?.once('end', () => {
      const c = child.pid === undefined ? null : procCpuMs(child.pid);
      if (c) own = c[0] + c[1];
    });
    child.once('exit', () => {
      const now = childrenCpuMs();
      if (now !== null && this.lastChildren !== null) reaped = now - this.lastChildren;
      this.lastChildren = now;
      this.attributed += own ?? reaped ?? 0;
    });
    return () => own ?? reaped;
  }

  /** The section for the report; `startupMs` counts from process start (performance.timeOrigin). */
  summary(): RunTimings {
    const cpu = process.cpuUsage();
    const children = childrenCpuMs() ?? 0;
    return {
      startupMs: round(this.t0),
      runMs: round(performance.now() - this.t0),
      cpuMs: {
        startup: round((this.cpu0.user + this.cpu0.system) / 1000),
        self: round((cpu.user + cpu.system) / 1000),
        children,
        childrenOutsideHost: Math.max(0, children - this.children0 - this.attributed),
      },
      sources: [...this.entries].sort((a, b) => a.startMs - b.startMs || (a.source < b.source ? -1 : 1)),
    };
  }
}
