/**
 * CPU contention beside hwprobe, measured during calibration (issue 12 item 3): the load average,
 * CPU pressure (/proc/pressure/cpu `some avg10`, Linux ≥ 4.20 with PSI), steal time (the
 * /proc/stat `steal` delta over the calibration) and the runnable tasks that are not hwprobe's own
 * (/proc/stat `procs_running` minus the running threads of this process and its children).
 * Reading /proc here is calibration-time measurement of the real machine, so it uses node:fs
 * directly; probes read contention through this module (contentionOf), never /proc themselves.
 * Where a file is missing (macOS, Windows, no PSI) its field is null; nothing is guessed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Contention, ProbeContext } from './types.js';

export type { Contention };

/** One reading of /proc. */
export interface ContentionSample {
  loadavg: [number, number, number] | null;
  psiSome10: number | null;
  /** cumulative jiffies of /proc/stat's cpu line: steal and total */
  steal: { steal: number; total: number } | null;
  /** procs_running minus this process tree's running threads */
  others: number | null;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** Parses /proc/pressure/cpu's `some avg10=`. */
export function parsePsiSome10(text: string | null): number | null {
  const m = text ? /^some\b.*\bavg10=([\d.]+)/m.exec(text) : null;
  return m ? Number(m[1]) : null;
}

/** Parses /proc/stat: the aggregate cpu line's steal and total jiffies, and procs_running. */
export function parseProcStat(text: string | null): { steal: { steal: number; total: number } | null; running: number | null } {
  if (!text) return { steal: null, running: null };
  const cpu = /^cpu\s+([\d\s]+)$/m.exec(text);
  let steal: { steal: number; total: number } | null = null;
  if (cpu) {
    // user nice system idle iowait irq softirq steal guest guest_nice (proc(5)); guest time is already in user.
    const f = cpu[1].trim().split(/\s+/).map(Number);
    if (f.length >= 8) steal = { steal: f[7], total: f.slice(0, 8).reduce((a, b) => a + b, 0) };
  }
  const r = /^procs_running\s+(\d+)/m.exec(text);
  return { steal, running: r ? Number(r[1]) : null };
}

/** Running threads (state R) of a process and, through /proc/<pid>/task/<tid>/children, its descendants. */
function ownRunning(pid: string, depth = 0): number {
  if (depth > 4) return 0;
  let n = 0;
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tids) {
    const st = read(`/proc/${pid}/task/${tid}/stat`);
    // The state follows the command name in parentheses, which may itself contain ") ".
    if (st && st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3) === 'R') n++;
    for (const child of (read(`/proc/${pid}/task/${tid}/children`) ?? '').trim().split(/\s+/).filter(Boolean)) n += ownRunning(child, depth + 1);
  }
  return n;
}

/** Reads /proc once. */
export function sampleContention(): ContentionSample {
  const la = process.platform === 'win32' ? null : (loadavg() as [number, number, number]);
  const stat = parseProcStat(read('/proc/stat'));
  return {
    loadavg: la,
    psiSome10: parsePsiSome10(read('/proc/pressure/cpu')),
    steal: stat.steal,
    others: stat.running === null ? null : Math.max(0, stat.running - ownRunning(String(process.pid))),
  };
}

/**
 * The level from the figures: high when another task is runnable for every CPU, when tasks waited
 * for a CPU more than 40% of the last 10 s, or when the hypervisor stole more than 10%; moderate at
 * half of that. On this project's 2-core machine `stress-ng --cpu 2` gives runnable 2, PSI 50–90.
 */
export function contentionLevel(c: Omit<Contention, 'level'>, cpuCount: number): Contention['level'] {
  const { runnable, cpuPressureSomeAvg10: psi, stealPercent: steal } = c;
  if (runnable === null && psi === null && steal === null) return 'unknown';
  if ((runnable ?? 0) >= cpuCount || (psi ?? 0) >= 40 || (steal ?? 0) >= 10) return 'high';
  if ((runnable ?? 0) >= cpuCount / 2 || (psi ?? 0) >= 10 || (steal ?? 0) >= 3) return 'moderate';
  return 'low';
}

/** Summarises samples taken before, during and after a calibration. */
export function summarise(samples: readonly ContentionSample[], cpuCount = cpus().length || 1): Contention {
  const last = samples.at(-1);
  const others = samples.map((s) => s.others).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const psi = samples.map((s) => s.psiSome10).filter((x): x is number => x !== null);
  const first = samples.find((s) => s.steal)?.steal;
  const end = [...samples].reverse().find((s) => s.steal)?.steal;
  const dt = first && end ? end.total - first.total : 0;
  const c = {
    loadavg: last?.loadavg ? (last.loadavg.map((x) => Math.round(x * 100) / 100) as [number, number, number]) : null,
    cpuPressureSomeAvg10: psi.length ? Math.max(...psi) : null,
    stealPercent: first && end && dt > 0 ? Math.round(((end.steal - first.steal) / dt) * 1000) / 10 : null,
    runnable: others.length ? others[Math.floor((others.length - 1) / 2)] : null,
  };
  return { ...c, level: contentionLevel(c, cpuCount) };
}

/** Samples contention every `intervalMs` until stop(); summary() gives the figures so far. */
export class ContentionMonitor {
  private readonly samples: ContentionSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly intervalMs = 250) {}
  /** Takes the "before" sample and starts sampling. */
  start(): this {
    this.samples.push(sampleContention());
    this.timer = setInterval(() => this.samples.push(sampleContention()), this.intervalMs);
    this.timer.unref();
    return this;
  }
  /** The figures so far (with a fresh sample). */
  summary(): Contention {
    return summarise([...this.samples, sampleContention()]);
  }
  /** Takes the "after" sample and stops. */
  stop(): Contention {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.samples.push(sampleContention());
    return summarise(this.samples);
  }
}

/** The contention seen so far by the run (ctx.contention), or one reading now when the probe runs outside the runner. */
export function contentionOf(ctx: Pick<ProbeContext, 'contention'>): Contention {
  return ctx.contention?.() ?? summarise([sampleContention()]);
}

/** A clause for notes and finding args when contention was moderate or high, else ''. */
export function contentionNote(c: Contention): string {
  if (c.level !== 'high' && c.level !== 'moderate') return '';
  return `; the CPUs were ${c.level === 'high' ? 'heavily ' : ''}contended (${describeContention(c)})`;
}

/** "runnable 2 beside hwprobe, CPU pressure 63%, steal 0%, load 2.1" from the known figures. */
export function describeContention(c: Contention): string {
  const parts: string[] = [];
  if (c.runnable !== null) parts.push(`${c.runnable} runnable beside hwprobe`);
  if (c.cpuPressureSomeAvg10 !== null) parts.push(`CPU pressure ${c.cpuPressureSomeAvg10}%`);
  if (c.stealPercent !== null) parts.push(`steal ${c.stealPercent}%`);
  if (c.loadavg) parts.push(`load ${c.loadavg[0]}`);
  return parts.join(', ') || 'no figures';
}
