/** Capabilities and findings that join what the frameworks report with what the hardware offers. Pure. */
import type { Capability, Finding } from '../../src/types.js';
import { DEFAULT_BUDGET, type InterpreterReport } from './interpreters.js';
import type { BlasInfo, NumpySimd, PackageReport } from './parse.js';
import { PY_PACKAGES, type PyPackage } from './script.js';
import { finding } from './findings.js';
import {
  ATEN_CAPABILITY,
  FRAMEWORK_ENV,
  MKL_CBWR,
  MKL_INSTRUCTIONS,
  NUMPY_FEATURES,
  ONEDNN_ISA,
  OPENBLAS_CORES,
  SIMD_TIERS,
  providerId,
  type EnvKind,
  type FrameworkEnvName,
  type SimdTier,
} from './tables.js';

/** What the other probes (and the NVIDIA driver files) say about the machine. Null: unknown. */
export interface HardwareView {
  family: keyof typeof SIMD_TIERS | null;
  /** the CPU's best SIMD tier */
  tier: SimdTier | null;
  /** CPU flags, kernel spelling */
  flags: ReadonlySet<string> | null;
  /** CPUs this process may use (cgroup quota, cpuset, affinity) */
  usableCpus: number | null;
  /** the loaded NVIDIA kernel driver's version; null when none is loaded, undefined when not looked at */
  nvidiaDriver: string | null | undefined;
  /** where the hardware facts came from, for evidence */
  sources: string[];
}

/** One mask or override variable that is set, with its effect. */
export interface EnvEntry {
  variable: FrameworkEnvName;
  value: string;
  kind: EnvKind;
  effect: string;
  /** the SIMD tier the variable limits its library to, when it names one */
  limit?: SimdTier;
  /** what the inspected stacks themselves say about it (numpy's warning, the core OpenBLAS reports, torch's capability) */
  outcome?: string;
  /** true when the stack that reads it rejects or ignores this value */
  ignored?: boolean;
  /** for CUDA_VISIBLE_DEVICES: the GPUs each framework reports */
  frameworks?: Record<string, number>;
}

/** Per package, the best outcome over all interpreters. */
export interface PackageSummary {
  status: PackageReport['status'];
  version?: string;
  /** the interpreter it was found in */
  interpreter?: string;
}

/** Everything derive() builds. */
export interface Derived {
  env: EnvEntry[];
  summary: Record<PyPackage, PackageSummary>;
  capabilities: Record<string, Capability>;
  findings: Finding[];
}

const STATUS_RANK: Record<PackageReport['status'], number> = {
  ok: 0,
  error: 1,
  cut: 2,
  hung: 3,
  crashed: 4,
  found: 5,
  absent: 6,
  'not-inspected': 7,
};

/** The label an interpreter goes by in messages. */
export function label(i: InterpreterReport): string {
  return i.invokedAs.join(', ');
}

function tierIndex(family: HardwareView['family'], t: SimdTier): number {
  return family ? (SIMD_TIERS[family] as readonly string[]).indexOf(t) : -1;
}

/** The Arm64 vector tier of a flag set. */
export function armTier(flags: ReadonlySet<string>): SimdTier | null {
  return flags.has('sve2') ? 'sve2' : flags.has('sve') ? 'sve' : flags.has('asimd') ? 'asimd' : null;
}

/** "12040" → "12.4" (CUDA's integer version). */
export function cudaVersionString(v: number): string {
  return `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}`;
}

/** Whether a GPU of compute capability "M.m" can run a build for `archList` (sm_XY cubins run on the same major, equal or newer minor; compute_XY PTX on anything newer). */
export function archSupported(capability: string, archList: readonly string[]): boolean {
  const [maj, min] = capability.split('.').map(Number);
  const dev = maj * 10 + min;
  return archList.some((a) => {
    const m = /^(sm|compute)_(\d+)(\d)[a-z]?$/.exec(a);
    if (!m) return false;
    const aMaj = Number(m[2]);
    const v = aMaj * 10 + Number(m[3]);
    return m[1] === 'compute' ? v <= dev : aMaj === maj && v <= dev;
  });
}

/** The tier a SIMD-limiting variable's value names, when known. */
function envLimit(name: FrameworkEnvName, value: string, family: HardwareView['family']): SimdTier | undefined {
  const v = value.trim();
  if (name === 'OPENBLAS_CORETYPE') return OPENBLAS_CORES[v.toLowerCase()];
  if (family !== 'x86') return undefined;
  if (name === 'MKL_ENABLE_INSTRUCTIONS') return MKL_INSTRUCTIONS[v.toUpperCase()];
  if (name === 'MKL_CBWR') return MKL_CBWR[v.split(',')[0].trim().toUpperCase()];
  if (name === 'ATEN_CPU_CAPABILITY') return ATEN_CAPABILITY[v];
  if (name === 'ONEDNN_MAX_CPU_ISA') return ONEDNN_ISA[v.toUpperCase()];
  return undefined;
}

/** The framework a SIMD-limiting variable steers, for messages. */
const ENV_FRAMEWORK: Partial<Record<FrameworkEnvName, string>> = {
  OPENBLAS_CORETYPE: 'OpenBLAS',
  MKL_ENABLE_INSTRUCTIONS: 'Intel MKL',
  MKL_CBWR: 'Intel MKL',
  ATEN_CPU_CAPABILITY: 'PyTorch',
  ONEDNN_MAX_CPU_ISA: 'oneDNN',
};

/** The inspected stacks that contain Intel MKL: numpy on an MKL BLAS, torch built with MKL. */
export function mklUsers(interps: readonly InterpreterReport[]): string[] {
  const out: string[] = [];
  for (const i of interps) {
    const np = i.packages.numpy;
    if (np.status === 'ok' && (np.blas as BlasInfo | null | undefined)?.library === 'mkl') out.push(`numpy ${np.version} in ${label(i)} (its BLAS is MKL)`);
    const t = i.packages.torch;
    if (t.status === 'ok' && t.mkl === true) out.push(`torch ${t.version} in ${label(i)} (torch's own MKL)`);
  }
  return out;
}

/** The variables that change nothing unless an inspected stack reads them (OPENBLAS_CORETYPE is not one: OpenBLAS is everywhere). */
const STEERED: ReadonlySet<FrameworkEnvName> = new Set(['MKL_ENABLE_INSTRUCTIONS', 'MKL_CBWR', 'MKL_DEBUG_CPU_TYPE', 'MKL_NUM_THREADS', 'ATEN_CPU_CAPABILITY', 'ONEDNN_MAX_CPU_ISA']);

/** Which inspected stacks a SIMD variable steers, for `affects`; an empty list: none of them. */
function steered(name: FrameworkEnvName, interps: readonly InterpreterReport[]): string[] {
  const ok = (i: InterpreterReport, p: PyPackage) => i.packages[p].status === 'ok';
  if (name.startsWith('MKL_')) return mklUsers(interps);
  if (name === 'ATEN_CPU_CAPABILITY') return interps.filter((i) => ok(i, 'torch')).map((i) => `torch ${i.packages.torch.version} in ${label(i)}`);
  if (name === 'ONEDNN_MAX_CPU_ISA')
    return interps.flatMap((i) => (['torch', 'tensorflow'] as const).filter((p) => ok(i, p)).map((p) => `${p} ${i.packages[p].version} in ${label(i)}`));
  if (name === 'OPENBLAS_CORETYPE')
    return interps.filter((i) => ok(i, 'numpy') && (i.packages.numpy.blas as BlasInfo | null | undefined)?.library === 'openblas').map((i) => `numpy in ${label(i)}`);
  return [];
}

/** numpy's own messages about a NPY_* variable (its ImportWarning, or the error that stopped its import), per interpreter. */
function numpySays(name: string, interps: readonly InterpreterReport[]): Array<{ where: string; refused: boolean; text: string }> {
  const out: Array<{ where: string; refused: boolean; text: string }> = [];
  for (const i of interps) {
    const np = i.packages.numpy;
    const where = `numpy${np.version ? ` ${np.version}` : ''} (${label(i)})`;
    if (np.status === 'error' && np.error?.includes(name)) out.push({ where, refused: true, text: np.error });
    for (const w of Array.isArray(np.warnings) ? (np.warnings as string[]) : []) if (w.includes(name)) out.push({ where, refused: false, text: w });
  }
  return out;
}

/** One line of a multi-line library message. */
const oneLine = (t: string) => t.replace(/\s*\n\s*/g, ' ').trim();

const hidesAllGpus = (v: string) => ['', '-1', 'NoDevFiles'].includes(v.trim());

/** The thread counts the stacks themselves report: numpy's BLAS (threadpoolctl or openblas_get_num_threads) and torch.get_num_threads(). */
export function stackThreads(interps: readonly InterpreterReport[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const i of interps) {
    const blas = i.packages.numpy.blas as BlasInfo | null | undefined;
    if (i.packages.numpy.status === 'ok' && typeof blas?.threads === 'number') out.push([`${blas.library ?? 'BLAS'} in numpy (${label(i)})`, blas.threads]);
    const t = i.packages.torch;
    if (t.status === 'ok' && typeof t.numThreads === 'number') out.push([`torch (${label(i)})`, t.numThreads]);
  }
  return out;
}

/** The mask and override variables that are set, with their effects. */
export function envEntries(env: (n: string) => string | undefined, family: HardwareView['family'], interps: readonly InterpreterReport[]): EnvEntry[] {
  const out: EnvEntry[] = [];
  for (const name of Object.keys(FRAMEWORK_ENV) as FrameworkEnvName[]) {
    const value = env(name);
    if (value === undefined) continue;
    const row = FRAMEWORK_ENV[name];
    const e: EnvEntry = { variable: name, value, kind: row.kind, effect: row.effect };
    const limit = envLimit(name, value, family);
    if (limit) e.limit = limit;
    if (name === 'ATEN_CPU_CAPABILITY' && family === 'x86' && !limit) {
      e.ignored = true;
      const seen = interps.filter((i) => i.packages.torch.status === 'ok').map((i) => `torch ${i.packages.torch.version} (${label(i)}) runs ${i.packages.torch.cpuCapability ?? 'its default'}`);
      e.outcome = `torch accepts only ${Object.keys(ATEN_CAPABILITY).join(', ')} (case-sensitive) and ignores ${JSON.stringify(value)} with a warning${seen.length ? `: ${seen.join('; ')}` : ''}`;
    }
    if (name === 'OPENBLAS_CORETYPE') {
      const cores = interps.flatMap((i) => {
        const b = i.packages.numpy.status === 'ok' ? (i.packages.numpy.blas as BlasInfo | null | undefined) : undefined;
        return b?.library === 'openblas' && b.coretype ? [{ where: `OpenBLAS${b.version ? ` ${b.version}` : ''} (numpy in ${label(i)})`, core: b.coretype }] : [];
      });
      if (cores.length) {
        e.outcome = cores.map((c) => `${c.where} reports core ${c.core}`).join('; ');
        // OpenBLAS prints "Core not found" for a name it does not know and detects the CPU itself.
        if (cores.every((c) => c.core.toLowerCase() !== value.trim().toLowerCase())) e.ignored = true;
      } else if (!OPENBLAS_CORES[value.trim().toLowerCase()]) e.outcome = `${value} is not an OpenBLAS core name (OpenBLAS would say "Core not found" and detect the CPU itself)`;
    }
    if (name === 'NPY_DISABLE_CPU_FEATURES' || name === 'NPY_ENABLE_CPU_FEATURES') {
      const said = numpySays(name, interps);
      if (said.length) e.outcome = said.map((x) => `${x.where} ${x.refused ? 'refuses to import' : 'warns'}: ${oneLine(x.text)}`).join('; ');
      // numpy refuses what it cannot disable (baseline features: an import error; features it does
      // not dispatch: an ImportWarning). The variable took effect only where a dispatch target it
      // names (disable) or leaves out (enable) is now not found.
      const listed = new Set(value.split(/[\s,]+/).filter(Boolean).map((x) => x.toUpperCase()));
      const tookEffect = interps.some((i) => {
        const simd = i.packages.numpy.status === 'ok' ? (i.packages.numpy.simd as NumpySimd | null | undefined) : null;
        return !!simd && simd.notFound.some((f) => (name === 'NPY_DISABLE_CPU_FEATURES' ? listed.has(f) : !listed.has(f)));
      });
      if (said.length && !tookEffect) e.ignored = true;
    }
    const users = STEERED.has(name) ? steered(name, interps) : null;
    if (users && !users.length) e.outcome = [e.outcome, `no inspected stack reads it (${name.startsWith('MKL_') ? 'none contains Intel MKL' : `no ${ENV_FRAMEWORK[name] ?? name} user among the inspected packages`})`]
        .filter(Boolean)
        .join('; ');
    if (e.kind === 'threads' && !(users && !users.length)) {
      const reported = stackThreads(interps);
      if (reported.length) e.outcome = reported.map(([src, n]) => `${src} reports ${n} thread${n === 1 ? '' : 's'}`).join('; ');
    }
    if (name === 'CUDA_VISIBLE_DEVICES') {
      e.effect = hidesAllGpus(value) ? 'hides every NVIDIA GPU from CUDA frameworks' : `CUDA frameworks see only devices ${value}`;
      const seen: Record<string, number> = {};
      for (const i of interps) {
        const t = i.packages.torch;
        if (t.status === 'ok' && typeof t.deviceCount === 'number') seen[`torch (${label(i)})`] ??= t.deviceCount;
        const tf = i.packages.tensorflow;
        if (tf.status === 'ok' && Array.isArray(tf.gpus)) seen[`tensorflow (${label(i)})`] ??= tf.gpus.length;
        const jx = i.packages.jax;
        if (jx.status === 'ok' && Array.isArray(jx.devices))
          seen[`jax (${label(i)})`] ??= (jx.devices as Array<{ platform?: string }>).filter((d) => d.platform !== 'cpu').length;
      }
      if (Object.keys(seen).length) e.frameworks = seen;
    }
    out.push(e);
  }
  return out;
}

/** Per package, the best outcome over all interpreters (discovery order breaks ties). */
export function summarize(interps: readonly InterpreterReport[]): Record<PyPackage, PackageSummary> {
  const out = {} as Record<PyPackage, PackageSummary>;
  for (const name of PY_PACKAGES) {
    let best: PackageSummary = { status: interps.length ? 'not-inspected' : 'absent' };
    for (const i of interps) {
      const p = i.packages[name];
      if (STATUS_RANK[p.status] < STATUS_RANK[best.status]) {
        best = p.status === 'absent' ? { status: p.status } : { status: p.status, interpreter: label(i) };
        if (typeof p.version === 'string') best.version = p.version;
      }
    }
    out[name] = best;
  }
  return out;
}

const cap = (advertised: boolean | null, usable: boolean | null, evidence: string[], notes?: string): Capability =>
  notes ? { advertised, usable, effective: null, evidence, notes } : { advertised, usable, effective: null, evidence };

/** The first interpreter where a package imported. */
function firstOk(interps: readonly InterpreterReport[], name: PyPackage): InterpreterReport | undefined {
  return interps.find((i) => i.packages[name].status === 'ok');
}

/** Builds the probe's capabilities and findings. `slowMs`: an import slower than this is reported (FRAMEWORK_IMPORT_SLOW). */
export function derive(interps: readonly InterpreterReport[], env: (n: string) => string | undefined, hw: HardwareView, slowMs = DEFAULT_BUDGET.slowMs): Derived {
  const capabilities: Record<string, Capability> = {};
  const findings: Finding[] = [];
  const entries = envEntries(env, hw.family, interps);
  const flagged = new Set<string>();
  const cpuTier = hw.tier;

  // Interpreters and imports that failed; Python 2.
  for (const i of interps) {
    if (!i.python && i.status !== 'ok') findings.push(finding('FRAMEWORK_INTERPRETER_FAILED', { interpreter: label(i), detail: i.detail ?? i.status }));
    if (i.python?.version.startsWith('2.')) findings.push(finding('FRAMEWORK_PYTHON2', { interpreter: label(i), version: i.python.version }));
    for (const name of PY_PACKAGES) {
      const p = i.packages[name];
      if (p.status === 'error' || p.status === 'hung' || p.status === 'cut' || p.status === 'crashed')
        findings.push(finding('FRAMEWORK_IMPORT_FAILED', { package: name, interpreter: label(i), status: p.status, error: p.error ?? null }));
      else if (p.status === 'ok' && typeof p.ms === 'number' && p.ms > slowMs)
        findings.push(finding('FRAMEWORK_IMPORT_SLOW', { package: name, interpreter: label(i), ms: p.ms, slowMs }));
    }
  }

  // Variables the stack that reads them rejects or ignores: said once, with the stack's own answer.
  for (const e of entries) {
    if (!e.ignored) continue;
    flagged.add(e.variable);
    findings.push(finding('FRAMEWORK_ENV_IGNORED', { variable: e.variable, value: e.value, outcome: e.outcome ?? null }));
  }

  // SIMD limits set in the environment, against the CPU's tier.
  for (const e of entries) {
    if (!e.limit || !cpuTier || !hw.family || e.ignored) continue;
    const li = tierIndex(hw.family, e.limit);
    const ci = tierIndex(hw.family, cpuTier);
    if (li < 0 || ci < 0 || li === ci) continue;
    const framework = ENV_FRAMEWORK[e.variable] ?? e.variable;
    const users = steered(e.variable, interps);
    // OpenBLAS is loaded by many programs beyond the inspected numpy, so its limit is reported anyway;
    // the others only when an inspected stack reads them (an MKL variable with no MKL anywhere limits nothing).
    if (STEERED.has(e.variable) && !users.length) continue;
    const affects = users.length ? users.join('; ') : 'any OpenBLAS started from this environment; no inspected numpy loads OpenBLAS';
    flagged.add(e.variable);
    findings.push(
      finding(
        li < ci ? 'FRAMEWORK_SIMD_BELOW_CPU' : 'FRAMEWORK_SIMD_ABOVE_CPU',
        { framework, limit: e.limit, cpuTier, cause: `${e.variable}=${e.value}`, variable: e.variable, value: e.value, affects },
        { evidence: [`${e.variable}=${e.value}`, `CPU: ${cpuTier} (${hw.sources.join(', ') || 'cpu probe'})`] },
      ),
    );
  }

  // numpy: dispatch targets numpy did not find although the CPU advertises their flags; OpenBLAS cores below the CPU.
  for (const i of interps) {
    const np = i.packages.numpy;
    if (np.status !== 'ok') continue;
    const simd = np.simd as NumpySimd | null | undefined;
    if (simd && hw.flags) {
      const masked = simd.notFound.filter((f) => NUMPY_FEATURES[f]?.every((fl) => hw.flags!.has(fl)));
      if (masked.length) {
        const npyMask = i.python?.env.NPY_DISABLE_CPU_FEATURES ?? env('NPY_DISABLE_CPU_FEATURES');
        const npyOnly = i.python?.env.NPY_ENABLE_CPU_FEATURES ?? env('NPY_ENABLE_CPU_FEATURES');
        const listed = (v: string | undefined) => new Set((v ?? '').split(/[\s,]+/).filter(Boolean).map((x) => x.toUpperCase()));
        const disabled = masked.filter((f) => listed(npyMask).has(f));
        const notEnabled = npyOnly !== undefined ? masked.filter((f) => !listed(npyOnly).has(f)) : [];
        const causes: string[] = [];
        if (disabled.length) causes.push(`NPY_DISABLE_CPU_FEATURES=${npyMask} disables ${disabled.join(' ')}`);
        if (notEnabled.length) causes.push(`NPY_ENABLE_CPU_FEATURES=${npyOnly} enables only what it lists, not ${notEnabled.join(' ')}`);
        const unexplained = masked.filter((f) => !disabled.includes(f) && !notEnabled.includes(f));
        if (unexplained.length) causes.push(`numpy does not detect ${unexplained.join(' ')}, which the CPU flags advertise (the OS may not enable them)`);
        if (disabled.length) flagged.add('NPY_DISABLE_CPU_FEATURES');
        if (notEnabled.length) flagged.add('NPY_ENABLE_CPU_FEATURES');
        findings.push(
          finding(
            'FRAMEWORK_SIMD_BELOW_CPU',
            {
              framework: `numpy ${np.version} (${label(i)})`,
              limit: simd.found.filter((f) => !masked.includes(f)).at(-1) ?? simd.baseline.at(-1) ?? 'its baseline',
              cpuTier: cpuTier ?? 'this',
              cause: causes.join('; '),
              features: masked.join(' '),
              affects: null,
            },
            { evidence: [`numpy dispatch not found: ${simd.notFound.join(' ')}`] },
          ),
        );
      }
    }
    const blas = np.blas as BlasInfo | null | undefined;
    const core = blas?.coretype ? OPENBLAS_CORES[blas.coretype.toLowerCase()] : undefined;
    const forced = (i.python?.env.OPENBLAS_CORETYPE ?? env('OPENBLAS_CORETYPE')) !== undefined;
    if (blas && core && cpuTier && hw.family && !forced && tierIndex(hw.family, core) >= 0 && tierIndex(hw.family, core) < tierIndex(hw.family, cpuTier)) {
      findings.push(
        finding(
          'FRAMEWORK_SIMD_BELOW_CPU',
          {
            framework: `OpenBLAS ${blas.version ?? ''} (numpy in ${label(i)})`.replace('  ', ' '),
            limit: core,
            cpuTier,
            cause: `OpenBLAS picked its ${blas.coretype} kernels (a build without kernels for this CPU, or a CPU newer than this OpenBLAS)`,
            affects: null,
          },
          { evidence: [`openblas_get_corename: ${blas.coretype}`] },
        ),
      );
    }
  }

  // Thread pools larger than the CPUs this process may use. The stacks' own counts decide: OpenBLAS,
  // for one, caps OPENBLAS_NUM_THREADS/OMP_NUM_THREADS at the CPUs it sees, so OMP_NUM_THREADS=8
  // gives 2 threads on 2 CPUs (issue 14). A variable is the evidence only when no stack reports a count.
  if (hw.usableCpus !== null) {
    const threadVars = entries.filter((e) => e.kind === 'threads').map((e) => `${e.variable}=${e.value}`);
    const reported = stackThreads(interps);
    const sources: Array<[string, number]> = reported.length
      ? reported
      : entries.filter((e) => e.kind === 'threads').map((e) => [`${e.variable}=${e.value}`, Number.parseInt(e.value.split(',')[0], 10)]);
    for (const [source, threads] of sources) {
      if (!Number.isFinite(threads) || threads <= hw.usableCpus) continue;
      if (!reported.length) flagged.add(source.split('=')[0]);
      else for (const v of threadVars) flagged.add(v.split('=')[0]);
      findings.push(
        finding('THREADS_ABOVE_QUOTA', { source, threads, usableCpus: hw.usableCpus, variables: threadVars.join(' ') || null }, { evidence: reported.length ? [`${source}: ${threads} threads (its own report)`] : [`no inspected stack reports its thread count; ${source}`] }),
      );
    }
  }

  // numpy SIMD capabilities, from the first interpreter where numpy imports.
  const npI = firstOk(interps, 'numpy');
  if (npI) {
    const np = npI.packages.numpy;
    const simd = np.simd as NumpySimd | null | undefined;
    if (simd) {
      const where = `numpy ${np.version} (${label(npI)})`;
      for (const f of [...simd.baseline, ...simd.found, ...simd.notFound]) {
        const need = NUMPY_FEATURES[f];
        const advertised = hw.flags && need ? need.every((fl) => hw.flags!.has(fl)) : null;
        const base = simd.baseline.includes(f);
        const ev = [`${where}: ${base ? 'baseline' : `dispatch target, ${simd.found.includes(f) ? 'found' : 'not found'}`}`];
        if (hw.flags && need) ev.push(`CPU flags: ${need.filter((fl) => hw.flags!.has(fl)).join(' ') || 'none'}${advertised ? '' : ` (missing ${need.filter((fl) => !hw.flags!.has(fl)).join(' ')})`}`);
        capabilities[`ml.numpy.simd.${f.toLowerCase()}`] = cap(advertised, base || simd.found.includes(f), ev);
      }
    }
  }

  // GPU frameworks, joined with the NVIDIA driver.
  const driver = hw.nvidiaDriver;
  const hasDriver = driver === undefined ? null : driver !== null;
  const cudaMask = env('CUDA_VISIBLE_DEVICES');
  if (driver && cudaMask !== undefined && hidesAllGpus(cudaMask)) {
    flagged.add('CUDA_VISIBLE_DEVICES');
    findings.push(finding('FRAMEWORK_GPU_HIDDEN', { value: cudaMask, driver }, { evidence: [`/proc/driver/nvidia/version: ${driver}`] }));
  }
  const driverEv = driver ? [`NVIDIA driver ${driver} (/proc/driver/nvidia/version)`] : driver === null ? ['no NVIDIA driver loaded'] : [];

  for (const i of interps) {
    const t = i.packages.torch;
    if (t.status !== 'ok') continue;
    const version = String(t.version);
    const torchCuda = typeof t.cuda === 'string' ? t.cuda : null;
    if (driver && !torchCuda && !t.hip) findings.push(finding('TORCH_CPU_ONLY_BUILD', { version, interpreter: label(i), driver }, { capability: 'ml.torch.cuda', evidence: driverEv }));
    if (driver && torchCuda && t.cudaAvailable === false && !(cudaMask !== undefined && hidesAllGpus(cudaMask))) {
      const dc = typeof t.driverCuda === 'number' && t.driverCuda > 0 ? t.driverCuda : null;
      if (dc !== null && Math.floor(dc / 1000) < Number(torchCuda.split('.')[0])) {
        findings.push(finding('TORCH_CUDA_DRIVER_MISMATCH', { version, torchCuda, driverCuda: cudaVersionString(dc), driver }, { capability: 'ml.torch.cuda', evidence: driverEv }));
      } else {
        const reason = Array.isArray(t.warnings) && t.warnings.length ? String(t.warnings[0]) : null;
        findings.push(finding('TORCH_CUDA_UNAVAILABLE', { version, torchCuda, reason }, { capability: 'ml.torch.cuda', evidence: driverEv }));
      }
    }
    const arch = Array.isArray(t.archList) ? (t.archList as string[]) : [];
    for (const d of Array.isArray(t.devices) ? (t.devices as Array<{ name?: string; capability?: string }>) : []) {
      if (!d.capability || !arch.length || archSupported(d.capability, arch)) continue;
      findings.push(
        finding('TORCH_CUDA_ARCH_UNSUPPORTED', { device: d.name ?? 'GPU', sm: d.capability.replace('.', ''), version, archList: arch.join(' ') }, { capability: 'ml.torch.cuda' }),
      );
    }
  }
  const torchI = firstOk(interps, 'torch');
  if (torchI) {
    const t = torchI.packages.torch;
    const where = `torch ${t.version} (${label(torchI)})`;
    const ev = [...driverEv, `${where}: built for CUDA ${t.cuda ?? 'none'}${t.cudnn ? `, cuDNN ${t.cudnn}` : ''}; cuda.is_available() = ${t.cudaAvailable}, ${t.deviceCount} devices`];
    capabilities['ml.torch.cuda'] = cap(hasDriver, t.cudaAvailable === true, ev);
    const mps = t.mps as { built: boolean; available: boolean } | null | undefined;
    if (mps && (mps.built || mps.available)) capabilities['ml.torch.mps'] = cap(mps.built, mps.available, [`${where}: mps built ${mps.built}, available ${mps.available}`]);
  }
  for (const i of interps) {
    const tf = i.packages.tensorflow;
    if (tf.status === 'ok' && driver && tf.builtWithCuda === false)
      findings.push(finding('TF_NO_GPU_BUILD', { version: String(tf.version), interpreter: label(i), driver }, { capability: 'ml.tf.gpu', evidence: driverEv }));
  }
  const tfI = firstOk(interps, 'tensorflow');
  if (tfI) {
    const tf = tfI.packages.tensorflow;
    const gpus = Array.isArray(tf.gpus) ? tf.gpus.length : 0;
    capabilities['ml.tf.gpu'] = cap(hasDriver, gpus > 0, [...driverEv, `tensorflow ${tf.version} (${label(tfI)}): built with CUDA ${tf.builtWithCuda}, ${gpus} GPUs visible`]);
  }
  const jaxI = firstOk(interps, 'jax');
  if (jaxI) {
    const jx = jaxI.packages.jax;
    const devs = Array.isArray(jx.devices) ? (jx.devices as Array<{ platform?: string }>) : [];
    const gpus = devs.filter((d) => d.platform === 'gpu' || d.platform === 'cuda' || d.platform === 'rocm').length;
    capabilities['ml.jax.gpu'] = cap(hasDriver, gpus > 0, [...driverEv, `jax ${jx.version} (${label(jaxI)}): default backend ${jx.backend}, ${gpus} GPU devices`]);
  }
  const ortI = firstOk(interps, 'onnxruntime');
  if (ortI) {
    const o = ortI.packages.onnxruntime;
    for (const p of Array.isArray(o.providers) ? (o.providers as string[]) : []) {
      const id = providerId(p);
      capabilities[`ml.onnxruntime.${id}`] = cap(
        true,
        id === 'cpu' ? true : null,
        [`onnxruntime ${o.version} (${label(ortI)}): ${p} available`],
        id === 'cpu' ? undefined : 'built in; whether it loads shows only when a session is created',
      );
    }
  }

  // Every other variable that is set, named with its effect and what the stacks say about it.
  for (const e of entries) {
    if (flagged.has(e.variable)) continue;
    findings.push(finding('FRAMEWORK_ENV_OVERRIDE', { variable: e.variable, value: e.value, effect: e.effect, outcome: e.outcome ?? null }));
  }

  return { env: entries, summary: summarize(interps), capabilities, findings };
}
