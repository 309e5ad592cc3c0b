/** Parses what the inspection script printed into per-interpreter facts. Pure. */
import type { ExecResult } from '../../src/host/host.js';
import { PY_PACKAGES, sentinel, type PyPackage } from './script.js';
import { parseJsonBounded } from '../../src/json-bounded.js';

/** The interpreter itself, as it describes itself. */
export interface PythonInfo {
  version: string;
  implementation: string;
  executable: string;
  realExecutable: string | null;
  prefix: string;
  /** true when sys.prefix differs from sys.base_prefix (a virtualenv) */
  venv: boolean;
  /** the mask variables as the interpreter sees them */
  env: Record<string, string>;
}

/**
 * How a package fared: imported (`ok`), not installed (`absent`), raised on import (`error`), the
 * process ran past its own import budget (`hung`) or died (`crashed`) while importing it, the probe's
 * total budget ran out while it was still importing (`cut`: slow, not known to hang), or the probe
 * never got to it; `found` (located, not imported) only between the identity run and a package's own run.
 */
export type PackageStatus = 'ok' | 'absent' | 'error' | 'hung' | 'cut' | 'crashed' | 'not-inspected' | 'found';

/** numpy's SIMD support, in numpy.show_runtime() terms. */
export interface NumpySimd {
  baseline: string[];
  /** dispatch targets this CPU (and NPY_DISABLE_CPU_FEATURES) allows */
  found: string[];
  notFound: string[];
}

/** One OpenBLAS library loaded in the process, as it answers for itself. */
export interface OpenBlasLib {
  path: string;
  corename: string | null;
  config: string | null;
  numThreads: number | null;
  error?: string;
}

/** The BLAS numpy uses: build configuration, the libraries mapped into the process, and their own answers. */
export interface BlasInfo {
  /** summary: openblas, mkl, blis, flexiblas, reference (libblas.so) or the build's name */
  library: string | null;
  version: string | null;
  /** the OpenBLAS core in use (openblas_get_corename or threadpoolctl's architecture) */
  coretype: string | null;
  threads: number | null;
  build: { name: string | null; version: string | null; config: string | null } | null;
  loaded: string[] | null;
  openblas: OpenBlasLib[];
  threadpoolctl?: Record<string, unknown>[];
}

/** One package's report. Fields past status/version/error are the package's own details. */
export interface PackageReport {
  status: PackageStatus;
  version?: string;
  error?: string;
  /** import and inspection time inside the interpreter */
  ms?: number;
  warnings?: string[];
  [detail: string]: unknown;
}

/** How the interpreter run ended, in the probe's terms. */
export type RunStatus = 'ok' | 'timeout' | 'failed' | 'not-found' | 'error' | 'no-output';

/** What one interpreter run produced. */
export interface Inspection {
  status: RunStatus;
  /** exit code / signal / spawn error / last stderr line, when not ok */
  detail?: string;
  python: PythonInfo | null;
  /** set when the script skipped package inspection (Python 2) */
  skipped?: string;
  packages: Record<PyPackage, PackageReport>;
}

type Rec = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The record lines of the script's stdout for this run's nonce, in order; other lines (warnings,
 * banners, records forged without the nonce) are ignored.
 */
export function records(stdout: string, nonce?: string): Rec[] {
  const out: Rec[] = [];
  const mark = sentinel(nonce);
  for (const line of stdout.split(/\r?\n/)) {
    const i = line.indexOf(mark);
    if (i < 0) continue;
    try {
      const v = parseJsonBounded(line.slice(i + mark.length)) as unknown; // depth-bounded: a python3 printing 2000-deep JSON ended the run
      if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Rec);
    } catch {
      /* a line cut by a kill or interleaved output: skip it */
    }
  }
  return out;
}

/** numpy's SIMD lists the way numpy.show_runtime() computes them: dispatch targets split by __cpu_features__. */
export function numpySimd(r: Rec): NumpySimd | null {
  if (!Array.isArray(r.dispatch) || !r.features || typeof r.features !== 'object') return null;
  const features = r.features as Record<string, unknown>;
  const dispatch = strs(r.dispatch);
  return {
    baseline: strs(r.baseline),
    found: dispatch.filter((f) => features[f] === true),
    notFound: dispatch.filter((f) => features[f] !== true),
  };
}

/** The BLAS summary from the script's blas record. */
export function blasInfo(b: Rec | undefined): BlasInfo | null {
  if (!b) return null;
  const bl = b.blas as Rec | undefined;
  const build = bl ? { name: str(bl.name), version: str(bl.version), config: str(bl.config) } : null;
  const openblas: OpenBlasLib[] = Object.entries((b.openblas as Record<string, Rec> | undefined) ?? {})
    .map(([path, o]) => ({
      path,
      corename: str(o.corename),
      config: str(o.config),
      numThreads: num(o.numThreads),
      ...(typeof o.error === 'string' ? { error: o.error } : {}),
    }))
    .sort((x, y) => (x.path < y.path ? -1 : 1));
  const tpc = Array.isArray(b.threadpoolctl) ? (b.threadpoolctl as Rec[]) : undefined;
  const loaded = Array.isArray(b.loaded) ? strs(b.loaded) : null;
  const info: BlasInfo = { library: null, version: null, coretype: null, threads: null, build, loaded, openblas };
  if (tpc) info.threadpoolctl = tpc;

  const tb = tpc?.find((t) => t.user_api === 'blas');
  const ob = openblas.find((o) => o.corename !== null || o.numThreads !== null);
  if (tb) {
    info.library = str(tb.internal_api);
    info.version = str(tb.version);
    info.threads = num(tb.num_threads);
    info.coretype = str(tb.architecture);
  }
  if (ob) {
    info.library ??= 'openblas';
    info.version ??= /OpenBLAS\s+(\S+)/.exec(ob.config ?? '')?.[1] ?? null;
    info.coretype ??= ob.corename;
    info.threads ??= ob.numThreads;
  }
  if (!info.library && loaded) {
    const names = loaded.map((p) => p.split('/').pop() ?? p);
    const kinds: Array<[RegExp, string]> = [
      [/openblas/i, 'openblas'],
      [/mkl/i, 'mkl'],
      [/blis/i, 'blis'],
      [/flexiblas/i, 'flexiblas'],
      [/armpl/i, 'armpl'],
      [/^libblas\.so/, 'reference'],
    ];
    info.library = kinds.find(([re]) => names.some((n) => re.test(n)))?.[1] ?? null;
  }
  info.library ??= build?.name ?? null;
  info.version ??= build?.version ?? null;
  return info;
}

/** A package record, normalised (numpy gets its simd and blas summaries). */
function packageReport(r: Rec): PackageReport {
  const { section: _s, name, status, ...rest } = r;
  const out: PackageReport = { status: status === 'ok' || status === 'absent' || status === 'error' || status === 'found' ? status : 'error', ...rest };
  if (name === 'numpy' && out.status === 'ok') {
    const simd = numpySimd(r);
    delete out.baseline;
    delete out.dispatch;
    delete out.features;
    out.simd = simd;
    out.blas = blasInfo(r.blas as Rec | undefined);
  }
  return out;
}

/** Last non-empty line of a text, bounded. */
function lastLine(s: string): string | undefined {
  const l = s.split(/\r?\n/).map((x) => x.trim()).filter(Boolean).pop();
  return l?.slice(0, 300);
}

/** "1 MiB", "64 KiB", "100 B". */
export function byteSize(n: number): string {
  return n >= 1 << 20 && n % (1 << 20) === 0 ? `${n / (1 << 20)} MiB` : n >= 1024 && n % 1024 === 0 ? `${n / 1024} KiB` : `${n} B`;
}

/** How a run was made: the nonce its records carry, the output cap it ran under. */
export interface RunMeta {
  nonce?: string;
  maxBytes: number;
}

/** Interprets one run of the inspection script. */
export function parseInspection(r: ExecResult, meta: RunMeta = { maxBytes: 1 << 20 }): Inspection {
  const recs = records(r.stdout, meta.nonce);
  const py = recs.find((x) => x.section === 'python');
  const end = recs.find((x) => x.section === 'end');
  const begun = new Set(recs.filter((x) => x.section === 'begin').map((x) => x.name));
  const pkgs = new Map(recs.filter((x) => x.section === 'package').map((x) => [x.name, x] as const));

  let status: RunStatus =
    r.status === 'ok' ? 'ok' : r.status === 'timeout' ? 'timeout' : r.status === 'not-found' ? 'not-found' : r.status === 'error' ? 'error' : 'failed';
  if (status === 'ok' && !py) status = 'no-output';
  let detail: string | undefined;
  if (status === 'timeout') detail = 'timed out';
  // Host.exec kills a child whose stdout passes the cap: say so rather than "killed by SIGKILL".
  // (A string decoded from a cut UTF-8 sequence may be a few bytes shorter or longer than the cap.)
  else if (r.truncated && Buffer.byteLength(r.stdout, 'utf8') >= meta.maxBytes - 4) detail = `stdout exceeded the ${byteSize(meta.maxBytes)} cap: the interpreter was killed`;
  else if (status === 'failed') detail = `${r.signal ? `killed by ${r.signal}` : `exit ${r.code}`}${lastLine(r.stderr) ? `: ${lastLine(r.stderr)}` : ''}`;
  else if (status === 'error') detail = r.error ?? lastLine(r.stderr);
  else if (status === 'no-output') detail = `no ${sentinel(meta.nonce).trim()} records on stdout${lastLine(r.stderr) ? `; stderr: ${lastLine(r.stderr)}` : ''}`;

  const python: PythonInfo | null = py
    ? {
        version: str(py.version) ?? '?',
        implementation: str(py.implementation) ?? '?',
        executable: str(py.executable) ?? '',
        realExecutable: str(py.realExecutable),
        prefix: str(py.prefix) ?? '',
        venv: str(py.prefix) !== null && str(py.basePrefix) !== null && py.prefix !== py.basePrefix,
        env: Object.fromEntries(Object.entries((py.env as Rec | undefined) ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
      }
    : null;
  const skipped = end && typeof end.skipped === 'string' ? end.skipped : undefined;

  const packages = {} as Record<PyPackage, PackageReport>;
  for (const name of PY_PACKAGES) {
    const rec = pkgs.get(name);
    if (rec) packages[name] = packageReport(rec);
    else if (begun.has(name)) packages[name] = { status: status === 'timeout' ? 'hung' : 'crashed', ...(detail ? { error: detail } : {}) };
    else packages[name] = { status: 'not-inspected', ...(skipped ? { error: skipped } : {}) };
  }
  const out: Inspection = { status, python, packages };
  if (detail) out.detail = detail;
  if (skipped) out.skipped = skipped;
  return out;
}
