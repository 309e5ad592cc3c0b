/**
 * Every finding code hwprobe can emit, collected from the very tables the probes build their
 * findings from, and the reference page generated from them (schemas/findings.md, written by
 * findings-doc.ts at build time). A code whose table gives no hint takes its fix from FIX_NOTES.
 */
import type { Severity } from '../types.js';
import { CALIBRATION_FINDINGS } from '../calibration.js';
import { ACCEL_FINDINGS } from '../../probes/accelerators/findings.js';
import { CPU_FINDINGS } from '../../probes/cpu/findings.js';
import { CPU_CALIBRATION_FINDINGS } from '../../probes/cpu/calibrate.js';
import { CRYPTO_FINDINGS } from '../../probes/crypto/findings.js';
import { ENV_FINDINGS } from '../../probes/environment/findings.js';
import { FRAMEWORK_FINDINGS } from '../../probes/frameworks/findings.js';
import { GPU_FINDINGS } from '../../probes/gpu/findings.js';
import { ML_FINDINGS } from '../../probes/ml/findings.js';

type Args = Record<string, string | number | boolean | null>;
/** The shapes the probes' tables take: a message (or render) template, an optional hint (text or template), an optional capability. */
type Row = {
  severity: Severity;
  capability?: string | undefined;
  message?: (a: Args) => string;
  render?: (a: Args) => string;
  hint?: string | undefined | ((a: Args) => string | undefined);
};

/** Each findings table, by the name it is exported under, with the probe (or harness) that emits it. */
export const FINDING_TABLES: Readonly<Record<string, { source: string; table: Readonly<Record<string, Row>> }>> = {
  CALIBRATION_FINDINGS: { source: 'calibration harness (src/calibration.ts)', table: CALIBRATION_FINDINGS },
  ACCEL_FINDINGS: { source: 'accelerators', table: ACCEL_FINDINGS },
  CPU_FINDINGS: { source: 'cpu', table: CPU_FINDINGS },
  CPU_CALIBRATION_FINDINGS: { source: 'cpu (calibration)', table: CPU_CALIBRATION_FINDINGS },
  CRYPTO_FINDINGS: { source: 'crypto', table: CRYPTO_FINDINGS },
  ENV_FINDINGS: { source: 'environment', table: ENV_FINDINGS },
  FRAMEWORK_FINDINGS: { source: 'frameworks', table: FRAMEWORK_FINDINGS },
  GPU_FINDINGS: { source: 'gpu', table: GPU_FINDINGS },
  ML_FINDINGS: { source: 'ml', table: ML_FINDINGS },
};

/** The fix for codes whose table has no hint (mostly informational findings). */
export const FIX_NOTES: Readonly<Record<string, string>> = {
  ACCEL_WORKER_FAILED: 'the child process that asks the kernel for AMX permission crashed or hung; run `hwprobe capture` and file it with the capture attached',
  CPU_SOURCE_DISAGREE: 'nothing to fix in most cases (the sources round or name things differently); when a CPU count or flag differs, trust /proc/cpuinfo and file a capture',
  CPU_AUXV_DISAGREE: 'nothing to fix: the kernel lists some features in only one of the two places; libraries that read HWCAP see the auxv set',
  CPU_HWCAPS_MASKED: 'remove the glibc.cpu.hwcaps entry from GLIBC_TUNABLES (in the environment, the container image or the service unit) unless it is there on purpose',
  CPU_HWCAPS_DISAGREE: "glibc's own answer (`ld.so --help`) wins; file a capture so the flag tables can follow this glibc",
  CPU_HWCAPS_IGNORED_NAME: 'spell the feature as glibc does (case-sensitive, e.g. AVX2, AVX512F); the names glibc accepts are listed in its manual under glibc.cpu.hwcaps',
  CRYPTO_MASK_IGNORED: 'nothing to fix: the mask changes nothing OpenSSL uses; remove it to avoid confusion',
  CRYPTO_PATHS_MASKED: 'informational: the named code paths are closed on purpose or by accident; unset OPENSSL_ia32cap when it is not meant',
  ENV_MEMORY_LIMIT: 'size caches and heaps (e.g. node --max-old-space-size) from the cgroup limit, not from the physical memory',
  ENV_VIRTUALIZED: 'informational: timings vary more in a VM; prefer speedup ratios to absolute rates in expectations',
  ENV_CONTAINER: 'informational: devices and CPU limits come from the container runtime; pass devices through and set CPU limits there',
  ENV_CI: 'informational: CI runners are shared and often throttled; gate on capabilities and speedups rather than absolute rates',
  FRAMEWORK_ENV_OVERRIDE: 'informational: the variable changes how the framework picks its code path; unset it unless it is meant',
  TORCH_CUDA_UNAVAILABLE: 'check that the driver supports the CUDA version torch was built for, that CUDA_VISIBLE_DEVICES does not hide the GPU, and that the container sees /dev/nvidia*',
  FRAMEWORK_GPU_HIDDEN: 'unset CUDA_VISIBLE_DEVICES, or set it to the GPU indices the job should use',
  FRAMEWORK_IMPORT_FAILED: 'run `python -c "import <package>"` in that interpreter to see the full error; reinstall the package for this Python and platform',
  FRAMEWORK_INTERPRETER_FAILED: 'run the interpreter by hand to see why it fails; remove a broken interpreter from PATH',
  FRAMEWORK_PYTHON2: 'move the workload to Python 3; Python 2 packages are not inspected',
  GPU_MASKED: 'unset the variable, or set it to the devices the workload should use',
  GPU_TOOL_FAILED: 'run the tool by hand to see its error; a tool that hangs or fails usually points to a driver that is out of step with its libraries',
  GPU_SOFTWARE_ONLY: 'informational: the OpenCL or Vulkan devices run on the CPU; install the GPU and its driver where GPU speed is needed',
  GPU_MIG_ENABLED: 'informational: jobs get a MIG slice, not the whole GPU; disable MIG (nvidia-smi -mig 0) where a job needs the whole board',
  GPU_VGPU: 'informational: a vGPU shares the board with other guests; expect lower and more variable throughput',
};

/** One code's documentation. */
export interface CatalogEntry {
  code: string;
  source: string;
  table: string;
  severity: Severity;
  capability?: string;
  /** The message template, its arguments shown as ‹name›. */
  cause: string;
  /** The `args` keys the message and hint read. */
  args: string[];
  fix: string;
}

/** Args that render as ‹name›, so a template shows what it says and where each value goes; records the names read. */
function placeholders(read: Set<string>): Args {
  return new Proxy({} as Args, { get: (_t, k) => (typeof k === 'string' ? (read.add(k), `‹${k}›`) : undefined) });
}

/** Every code of every table, sorted by source then code. Throws when two tables define one code. */
export function findingCatalog(): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  const seen = new Map<string, string>();
  for (const [name, { source, table }] of Object.entries(FINDING_TABLES)) {
    for (const [code, row] of Object.entries(table)) {
      if (seen.has(code)) throw new Error(`finding code ${code} is defined in both ${seen.get(code)} and ${name}`);
      seen.set(code, name);
      const template = row.message ?? row.render;
      const read = new Set<string>();
      const cause = template ? template(placeholders(read)) : '';
      const fix = (typeof row.hint === 'function' ? row.hint(placeholders(read)) : row.hint) ?? FIX_NOTES[code];
      out.push({
        code,
        source,
        table: name,
        severity: row.severity,
        ...(row.capability ? { capability: row.capability } : {}),
        cause,
        args: [...read].sort(),
        fix: fix ?? '',
      });
    }
  }
  return out.sort((a, b) => (a.source === b.source ? (a.code < b.code ? -1 : 1) : a.source < b.source ? -1 : 1));
}

/** schemas/findings.md: a section per code with its severity, source, capability, cause and fix. */
export function renderFindingsDoc(entries: CatalogEntry[] = findingCatalog()): string {
  const md = (s: string) => s.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
  const out = [
    '# hwprobe finding codes',
    '',
    '<!-- Generated by src/build/findings-doc.ts (npm run build) from the findings tables the probes use. Do not edit. -->',
    '',
    'Every finding in a report has a stable `code`, a `severity`, a `message` rendered from its `args`, and often a `hint`.',
    'Gates and dashboards should match on `code`, never on the message text. In the messages below, ‹name› stands for `args.name`.',
    '',
    '| code | severity | from |',
    '|---|---|---|',
    ...entries.map((e) => `| [\`${e.code}\`](#${e.code.toLowerCase()}) | ${e.severity} | ${e.source} |`),
    '',
  ];
  for (const e of entries) {
    out.push(`## ${e.code}`, '');
    out.push(`${e.severity} · ${e.source}${e.capability ? ` · capability \`${e.capability}\`` : ''}`, '');
    out.push(`**Cause:** ${md(e.cause)}`, '');
    if (e.args.length) out.push(`**args:** ${e.args.map((a) => `\`${a}\``).join(', ')}`, '');
    out.push(`**Fix:** ${md(e.fix)}`, '');
  }
  return out.join('\n');
}
