/**
 * Children: the one environment every child process gets, and the one registry that makes sure
 * no process hwprobe started outlives it (issue 13 §1, §2).
 *
 * Environment: PATH, LD_LIBRARY_PATH, PYTHONPATH and NODE_PATH lose their empty, "." and relative
 * entries (an empty entry means the cwd to the shell, the dynamic loader and Python alike), and
 * LD_PRELOAD loses relative paths. The CLI applies this to process.env itself at start-up, so the
 * libraries we load (systeminformation's `sh -c`, koffi's dlopen) inherit the clean lists too.
 *
 * Registry: every child is spawned in its own process group and carries a marker variable
 * (HWPROBE_OWNER=<run token>, HWPROBE_EXEC=<run token>.<n>). A `setsid` grandchild leaves our
 * process group but keeps its environment, so the marker finds it in /proc where a group kill
 * cannot. On timeout the command's own marker is swept; at exit (every path: normal, signal,
 * uncaught error) every live group is killed and the run's marker is swept.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Variables holding search lists in which an empty or relative entry would mean "the cwd". */
const SEARCH_LISTS = ['PATH', 'LD_LIBRARY_PATH', 'PYTHONPATH', 'NODE_PATH'] as const;

/** The marker variables. */
export const OWNER_VAR = 'HWPROBE_OWNER';
export const EXEC_VAR = 'HWPROBE_EXEC';

/** This process's run token (inherited from a parent hwprobe only when we are its worker). */
const RUN_TOKEN = `${process.pid}-${randomBytes(4).toString('hex')}`;
let seq = 0;

/** A search list with empty, "." and relative entries removed (undefined when nothing is left). */
export function absoluteEntries(v: string | undefined, delimiter = path.delimiter): string | undefined {
  if (v === undefined) return undefined;
  const kept = v.split(delimiter).filter((d) => d !== '' && path.isAbsolute(d));
  return kept.length ? kept.join(delimiter) : undefined;
}

/** LD_PRELOAD keeps absolute paths and bare sonames (searched in the loader's trusted dirs), drops relative paths. */
function preloadEntries(v: string): string | undefined {
  const kept = v.split(/[ :]/).filter((e) => e !== '' && (path.isAbsolute(e) || !e.includes('/')));
  return kept.length ? kept.join(':') : undefined;
}

/** A copy of env with every search list cleaned (see the module comment). Never mutates env. */
export function sanitizeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const name of SEARCH_LISTS) {
    if (out[name] === undefined) continue;
    const v = absoluteEntries(out[name]);
    if (v === undefined) delete out[name];
    else out[name] = v;
  }
  if (out.LD_PRELOAD !== undefined) {
    const v = preloadEntries(out.LD_PRELOAD);
    if (v === undefined) delete out.LD_PRELOAD;
    else out.LD_PRELOAD = v;
  }
  return out;
}

/** Cleans process.env in place (CLI start-up), so every library's children inherit the clean lists. */
export function sanitizeProcessEnv(): void {
  const clean = sanitizeEnv(process.env);
  for (const name of [...SEARCH_LISTS, 'LD_PRELOAD']) {
    if (clean[name] === undefined) delete process.env[name];
    else process.env[name] = clean[name];
  }
  process.env[OWNER_VAR] = RUN_TOKEN;
}

/** The environment of one child: sanitized, with `extra` merged over it, and marked. Returns the env and the marker. */
export function childEnv(base: NodeJS.ProcessEnv, extra?: Record<string, string>): { env: NodeJS.ProcessEnv; marker: string } {
  const marker = `${RUN_TOKEN}.${++seq}`;
  const env = sanitizeEnv(extra ? { ...base, ...extra } : base);
  env[OWNER_VAR] = RUN_TOKEN;
  env[EXEC_VAR] = marker;
  return { env, marker };
}

/** Live process groups we started (pid of the group leader). */
const live = new Set<number>();

/** Registers a child's process group; returns the function that unregisters it. */
export function track(pid: number): () => void {
  live.add(pid);
  return () => void live.delete(pid);
}

/** How many registered groups are still live (tests). */
export function liveCount(): number {
  return live.size;
}

/**
 * SIGKILLs a process group and its leader; true when the group existed. The leader is also killed
 * by pid: between fork and its setsid() the child has no group of its own yet, and no marker in its
 * environ before exec, so a group kill alone missed a child spawned just before a SIGHUP (seen once
 * in the hostile suite: a systeminformation child left running).
 */
export function killGroup(pid: number, leader = true): boolean {
  let group = false;
  if (process.platform !== 'win32') {
    try {
      process.kill(-pid, 'SIGKILL');
      group = true;
    } catch {
      /* no such group (yet, or any more) */
    }
  }
  if (leader) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  return group;
}

/**
 * SIGKILLs every process (other than this one) whose environment holds `NAME=value`: how a
 * descendant that left our process group (setsid, a daemonising tool) is still found. Linux only;
 * synchronous so that it also works in an `exit` handler. Returns how many were killed.
 */
export function sweepMarked(name: string, value: string): number {
  return sweepMarkedAll([[name, value]]);
}

/** sweepMarked for several `NAME=value` marks in one pass over /proc (each environ is read once). */
function sweepMarkedAll(marks: ReadonlyArray<readonly [string, string]>): number {
  if (process.platform !== 'linux' || !marks.length) return 0;
  const needles = marks.map(([name, value]) => ({ inner: Buffer.from(`\0${name}=${value}\0`), first: Buffer.from(`${name}=${value}\0`) }));
  let killed = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return 0;
  }
  for (const p of pids) {
    const pid = Number(p);
    if (pid === process.pid) continue;
    let env: Buffer;
    try {
      env = readFileSync(`/proc/${p}/environ`);
    } catch {
      continue; // gone, or not ours to read
    }
    if (!needles.some((n) => env.indexOf(n.inner) >= 0 || env.subarray(0, n.first.length).equals(n.first))) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      /* gone */
    }
  }
  return killed;
}

/**
 * Command markers waiting for the next sweep. A sweep reads every /proc/<pid>/environ (2–3 ms of
 * this thread's time), and a detection run ends some 20 commands, often in bursts: one sweep per
 * command cost ~55 ms of main-thread CPU per run (issue 17). So the markers of commands that ended
 * within SWEEP_COALESCE_MS share one pass. Nothing escapes by the delay: the process-group kill is
 * still immediate, and the exit handler's reapAll sweeps this run's token synchronously.
 */
const pendingSweep = new Set<string>();
let sweepTimer: NodeJS.Timeout | undefined;
const SWEEP_COALESCE_MS = 20;

function sweepSoon(marker: string): void {
  pendingSweep.add(marker);
  if (sweepTimer) return;
  sweepTimer = setTimeout(() => {
    sweepTimer = undefined;
    const marks = [...pendingSweep].map((m) => [EXEC_VAR, m] as const);
    pendingSweep.clear();
    sweepMarkedAll(marks);
  }, SWEEP_COALESCE_MS);
  sweepTimer.unref();
}

/**
 * Kills what one command left behind: its group and any marked descendant. `exited`: the leader has
 * been reaped, so its pid may already belong to someone else and only the group is signalled.
 */
export function reapCommand(pid: number | undefined, marker: string, exited = false): void {
  if (pid !== undefined) killGroup(pid, !exited);
  sweepSoon(marker);
}

/** Kills every live group and every process marked with this run's token. Synchronous. */
export function reapAll(): void {
  if (sweepTimer) clearTimeout(sweepTimer);
  sweepTimer = undefined;
  pendingSweep.clear(); // every command's descendants carry this run's token too
  for (const pid of live) killGroup(pid);
  live.clear();
  sweepMarked(OWNER_VAR, RUN_TOKEN);
}

let installed = false;
/** Installs reapAll on process exit (idempotent): a library user gets it with the first child. */
export function reapOnExit(): void {
  if (installed) return;
  installed = true;
  process.on('exit', reapAll);
}
