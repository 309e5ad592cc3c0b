/** systeminformation as a second source (live machines; replayed from captures under the same keys). */
import type { Evidence, Finding } from '../../src/types.js';
import type { Host } from '../../src/host/host.js';
import { createRequire } from 'node:module';
import { finding } from './findings.js';
import { runBounded } from '../../src/host/node-host.js';
import { parseJsonBounded } from '../../src/json-bounded.js';

/**
 * systeminformation runs its own shell commands (`sh -c "… lscpu …"`, dmidecode, cat, grep) with
 * no timeout and whatever PATH it inherits: a hanging lscpu lost the cpu and crypto probes for
 * 20 s and left `sh -c` processes behind (issue 13 §1, §2). So it never runs in our process: each
 * call is one child Node process started through runBounded, which gives it the sanitized, marked
 * environment, cwd `/`, a deadline, and a process-group kill plus a marker sweep for whatever its
 * shells leave running. We kept it bounded rather than replacing it with Host reads because it is
 * a *second* source whose value is that it is someone else's parser; the cost is one Node start-up
 * (~40 ms, run beside the other reads). Only its cpu module is loaded in the child (~4 ms against
 * ~17 ms for the package index).
 */
const SI_CPU_MODULE = createRequire(import.meta.url).resolve('systeminformation/lib/cpu.js');

/** Deadline of one systeminformation child: well inside the probe's default 10 s. */
export const SI_TIMEOUT_MS = 3000;

/** One answer per function and process: what systeminformation reads (lscpu, dmidecode) does not change while we run. */
const siAnswers = new Map<string, Promise<unknown>>();

/** Runs one systeminformation cpu-module function in a bounded child, once per process; its JSON result, or an Error naming what happened. */
function siChild(fn: 'cpu' | 'cpuFlags'): Promise<unknown> {
  let p = siAnswers.get(fn);
  if (!p) {
    p = siChildRun(fn);
    siAnswers.set(fn, p);
    p.catch(() => siAnswers.delete(fn)); // a failure is not cached: the next run asks again
  }
  return p;
}

async function siChildRun(fn: 'cpu' | 'cpuFlags', timeoutMs = SI_TIMEOUT_MS): Promise<unknown> {
  const script = `require(${JSON.stringify(SI_CPU_MODULE)}).${fn}().then((r) => process.stdout.write(JSON.stringify(r ?? null)), (e) => { process.stderr.write(String(e)); process.exitCode = 1; })`;
  const r = await runBounded(process.execPath, ['-e', script], process.env, { timeoutMs, maxBytes: 1 << 20 });
  if (r.status === 'timeout') throw new Error(`no answer within ${timeoutMs} ms (its shell commands hung): killed`);
  if (r.status !== 'ok') throw new Error(r.signal ? `killed by ${r.signal}` : `exited ${r.code ?? r.status}${r.stderr ? `: ${r.stderr.split('\n')[0].slice(0, 200)}` : ''}`);
  return parseJsonBounded(r.stdout);
}

/** The subset of systeminformation's CpuData this probe reads. */
export interface SiCpu {
  manufacturer?: string;
  brand?: string;
  vendor?: string;
  family?: string;
  model?: string;
  stepping?: string;
  cores?: number;
  physicalCores?: number;
  performanceCores?: number;
  efficiencyCores?: number;
  processors?: number;
  flags?: string;
  cache?: Record<string, number | null>;
}

/** Call keys under which captures record systeminformation results. */
export const SI_CPU_KEY = 'systeminformation.cpu';
export const SI_FLAGS_KEY = 'systeminformation.cpuFlags';

/** One systeminformation call through Host.call (recorded and replayed under `key`); never throws. */
async function siCall<T>(host: Host, key: string, fn: 'cpu' | 'cpuFlags', accept: (v: unknown) => v is T): Promise<{ value: T | undefined; evidence: Evidence }> {
  let why = 'no answer';
  const v = await host.call<unknown>(key, async () => {
    try {
      return await siChild(fn);
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
      throw e;
    }
  });
  if (v !== undefined && !accept(v)) return { value: undefined, evidence: { source: key, ok: false, detail: `unexpected answer of type ${v === null ? 'null' : typeof v}` } };
  return { value: v as T | undefined, evidence: { source: key, ok: v !== undefined, ...(v !== undefined ? {} : { detail: why }) } };
}

const isObject = (v: unknown): v is SiCpu => !!v && typeof v === 'object' && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

/** Asks systeminformation for cpu(), in a bounded child. Never throws. */
export async function siCpu(host: Host): Promise<{ cpu: SiCpu | undefined; evidence: Evidence }> {
  const { value, evidence } = await siCall(host, SI_CPU_KEY, 'cpu', isObject);
  return { cpu: value, evidence };
}

/** Asks systeminformation for cpuFlags(), in a bounded child. Never throws. */
export async function siCpuFlags(host: Host): Promise<{ flags: string | undefined; evidence: Evidence }> {
  const { value, evidence } = await siCall(host, SI_FLAGS_KEY, 'cpuFlags', isString);
  return { flags: value, evidence };
}

const norm = (s: string): string =>
  s
    .toLowerCase()
    .replace(/\((r|tm)\)/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** True when two vendor spellings name the same vendor ("AMD" vs "AuthenticAMD", "Intel" vs "GenuineIntel"). */
export function sameVendor(a: string, b: string): boolean {
  const x = norm(a).replace(/ /g, '');
  const y = norm(b).replace(/ /g, '');
  return !!x && !!y && (x.includes(y) || y.includes(x));
}

/** True when every word of systeminformation's shortened brand appears in the full model name. */
export function sameModel(full: string, siBrand: string): boolean {
  const have = new Set(norm(full).split(' '));
  const want = norm(siBrand).split(' ').filter(Boolean);
  return want.every((w) => have.has(w) || [...have].some((h) => h.includes(w)));
}

/** Compares the primary source's vendor/model/logical count with systeminformation's. */
export function compareWithSi(
  primaryLabel: string,
  mine: { vendor: string | null; model: string | null; logicalCpus: number | null },
  si: SiCpu,
): Finding[] {
  const out: Finding[] = [];
  const disagree = (field: string, a: string | number, b: string | number) =>
    out.push(
      finding('CPU_SOURCE_DISAGREE', { field, sourceA: primaryLabel, valueA: a, sourceB: SI_CPU_KEY, valueB: b }),
    );
  if (mine.vendor && si.manufacturer && !sameVendor(mine.vendor, si.manufacturer))
    disagree('vendor', mine.vendor, si.manufacturer);
  if (mine.model && si.brand && !sameModel(mine.model, si.brand)) disagree('model', mine.model, si.brand);
  if (mine.logicalCpus !== null && typeof si.cores === 'number' && si.cores > 0 && si.cores !== mine.logicalCpus)
    disagree('logicalCpus', mine.logicalCpus, si.cores);
  return out;
}
