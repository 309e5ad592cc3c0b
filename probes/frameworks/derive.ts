/** Capabilities and findings that join what the frameworks report with what the hardware offers. Pure. */
import type { Capability, Finding } from '../../src/types.js';
import type { InterpreterReport } from './interpreters.js';
import type { BlasInfo, NumpySimd, PackageReport } from './parse.js';
import { PY_PACKAGES, type PyPackage } from './script.js';
import { finding } from './findings.js';
import {
  ATEN_CAPABILITY,
  FRAMEWORK_ENV,
  MKL_CBWR,
  MKL_INSTRUCTIONS,
  NUMPY_FEATURES,
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
  hung: 2,
  crashed: 3,
  found: 4,
  absent: 5,
  'not-inspected': 6,
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
  if (name === 'ATEN_CPU_CAPABILITY') return ATEN_CAPABILITY[v.toLowerCase()];
  return undefined;
}

/** The framework a SIMD-limiting variable steers, for messages. */
const ENV_FRAMEWORK: Partial<Record<FrameworkEnvName, string>> = {
  OPENBLAS_CORETYPE: 'OpenBLAS',
  MKL_ENABLE_INSTRUCTIONS: 'Intel MKL',
  MKL_CBWR: 'Intel MKL',
  ATEN_CPU_CAPABILITY: 'PyTorch',
};

const hidesAllGpus = (v: string) => ['', '-1', 'NoDevFiles'].includes(v.trim());

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

/** Builds the probe's capabilities and findings. */
export function derive(interps: readonly InterpreterReport[], env: (n: string) => string | undefined, hw: HardwareView): Derived {
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
      if (p.status === 'error' || p.status === 'hung' || p.status === 'crashed')
        findings.push(finding('FRAMEWORK_IMPORT_FAILED', { package: name, interpreter: label(i), status: p.status, error: p.error ?? null }));
    }
  }

  // SIMD limits set in the environment, against the CPU's tier.
  for (const e of entries) {
    if (!e.limit || !cpuTier || !hw.family) continue;
    const li = tierIndex(hw.family, e.limit);
    const ci = tierIndex(hw.family, cpuTier);
    if (li < 0 || ci < 0 || li === ci) continue;
    const framework = ENV_FRAMEWORK[e.variable] ?? e.variable;
    let affects: string | null = null;
    if (e.variable === 'OPENBLAS_CORETYPE') {
      const users = interps.filter((i) => (i.packages.numpy.blas as BlasInfo | null | undefined)?.library === 'openblas');
      affects = users.length ? `numpy in ${users.map(label).join('; ')}` : 'any OpenBLAS started from this environment; no inspected numpy loads OpenBLAS';
    }
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
        if (npyMask !== undefined) flagged.add('NPY_DISABLE_CPU_FEATURES');
        findings.push(
          finding(
            'FRAMEWORK_SIMD_BELOW_CPU',
            {
              framework: `numpy ${np.version} (${label(i)})`,
              limit: simd.found.filter((f) => !masked.includes(f)).at(-1) ?? simd.baseline.at(-1) ?? 'its baseline',
              cpuTier: cpuTier ?? 'this',
              cause:
                npyMask !== undefined
                  ? `NPY_DISABLE_CPU_FEATURES=${npyMask} disables ${masked.join(' ')}`
                  : `numpy does not detect ${masked.join(' ')}, which the CPU flags advertise (the OS may not enable them)`,
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

  // Thread pools larger than the CPUs this process may use.
  if (hw.usableCpus !== null) {
    const sources: Array<[string, number | null]> = [];
    for (const name of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS'] as const) {
      const v = env(name);
      if (v !== undefined) sources.push([`${name}=${v}`, Number.parseInt(v.split(',')[0], 10)]);
    }
    for (const i of interps) {
      const blas = i.packages.numpy.blas as BlasInfo | null | undefined;
      if (i.packages.numpy.status === 'ok' && blas?.threads != null) sources.push([`${blas.library ?? 'BLAS'} in numpy (${label(i)})`, blas.threads]);
      const t = i.packages.torch;
      if (t.status === 'ok' && typeof t.numThreads === 'number') sources.push([`torch (${label(i)})`, t.numThreads]);
    }
    for (const [source, threads] of sources) {
      if (threads === null || !Number.isFinite(threads) || threads <= hw.usableCpus) continue;
      if (source.includes('_NUM_THREADS=')) flagged.add(source.split('=')[0]);
      findings.push(finding('THREADS_ABOVE_QUOTA', { source, threads, usableCpus: hw.usableCpus }));
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

  // Every other variable that is set, named with its effect.
  for (const e of entries) {
    if (flagged.has(e.variable)) continue;
    findings.push(finding('FRAMEWORK_ENV_OVERRIDE', { variable: e.variable, value: e.value, effect: e.effect }));
  }

  return { env: entries, summary: summarize(interps), capabilities, findings };
}
