/**
 * Quantities with units ("1 GB/s", "500 MB/s", "2 GiB", "3 ms"): parsed into a base unit and a
 * factor so that thresholds compare as numbers, never as strings.
 */

/** Decimal (SI) and binary (IEC) prefixes. `K` is accepted for kilo as in "KB/s". */
const PREFIXES = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
} as const satisfies Record<string, number>;

/** Sub-unit prefixes, for times only ("ms", "µs", "us", "ns"). */
const SMALL_PREFIXES = { m: 1e-3, u: 1e-6, µ: 1e-6, n: 1e-9 } as const satisfies Record<string, number>;

/**
 * Base units a metric may be measured in, with their spellings. `lowerIsBetter` says which way a
 * regression goes. `x` is a ratio (speedups, scaling).
 */
export const BASE_UNITS = {
  'B/s': { spellings: ['B/s', 'Bps'], lowerIsBetter: false },
  'bit/s': { spellings: ['bit/s', 'b/s', 'bps'], lowerIsBetter: false },
  B: { spellings: ['B', 'byte', 'bytes'], lowerIsBetter: false },
  'FLOP/s': { spellings: ['FLOP/s', 'FLOPS', 'flop/s'], lowerIsBetter: false },
  'op/s': { spellings: ['op/s', 'ops/s', 'ops', 'Op/s'], lowerIsBetter: false },
  'inference/s': { spellings: ['inference/s', 'inferences/s', 'infer/s'], lowerIsBetter: false },
  'sample/s': { spellings: ['sample/s', 'samples/s'], lowerIsBetter: false },
  Hz: { spellings: ['Hz'], lowerIsBetter: false },
  s: { spellings: ['s', 'sec'], lowerIsBetter: true },
  x: { spellings: ['x', '×'], lowerIsBetter: false },
} as const satisfies Record<string, { spellings: readonly string[]; lowerIsBetter: boolean }>;

/** A base unit name. */
export type BaseUnit = keyof typeof BASE_UNITS;

/** A unit resolved to its base and the factor that converts a value in it to the base. */
export interface Unit {
  base: BaseUnit;
  factor: number;
}

/** A parsed quantity: `value` is in the base unit. */
export interface Quantity {
  value: number;
  base: BaseUnit | null;
  /** The unit as written ("GB/s"), absent for a bare number. */
  unit?: string;
  /** The text as written, for messages. */
  text: string;
}

const SPELLING: ReadonlyMap<string, BaseUnit> = new Map(
  Object.entries(BASE_UNITS).flatMap(([base, u]) => u.spellings.map((s) => [s, base as BaseUnit] as const)),
);

/** Resolves a unit string ("GB/s", "MiB", "ms") or returns null when it is not one hwprobe knows. */
export function parseUnit(unit: string): Unit | null {
  const u = unit.trim();
  if (u === '') return null;
  const direct = SPELLING.get(u);
  if (direct) return { base: direct, factor: 1 };
  // Longest prefix first, so "Gi" wins over "G".
  for (const p of Object.keys(PREFIXES).sort((a, b) => b.length - a.length)) {
    if (!p || !u.startsWith(p)) continue;
    const base = SPELLING.get(u.slice(p.length));
    if (base && base !== 'x') return { base, factor: PREFIXES[p as keyof typeof PREFIXES] };
  }
  for (const [p, f] of Object.entries(SMALL_PREFIXES)) {
    if (u.startsWith(p) && SPELLING.get(u.slice(p.length)) === 's') return { base: 's', factor: f };
  }
  return null;
}

/** Parses "1 GB/s", "2GiB", "1.5" (no unit: base null) or a number; throws an Error saying what is wrong. */
export function parseQuantity(q: number | string): Quantity {
  if (typeof q === 'number') return { value: q, base: null, text: String(q) };
  const m = /^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*(.*?)\s*$/.exec(q);
  if (!m) throw new Error(`"${q}" is not a number with a unit`);
  const n = Number(m[1]);
  if (!m[2]) return { value: n, base: null, text: q.trim() };
  const unit = parseUnit(m[2]);
  if (!unit) throw new Error(`"${m[2]}" in "${q}" is not a unit hwprobe knows (${knownUnitsHint()})`);
  return { value: n * unit.factor, base: unit.base, unit: m[2], text: q.trim() };
}

function knownUnitsHint(): string {
  return 'e.g. B/s, kB/s, MB/s, GB/s, MiB/s, GiB/s, B, GiB, FLOP/s, GFLOP/s, op/s, Hz, s, ms, x';
}

/**
 * The base unit of each metric family, from the kernels' own `unit` fields: crypto
 * (probes/crypto/kernels.ts, GB/s), cpu (probes/cpu/kernels/*.ts, parallel-scaling ×), ml
 * (probes/ml/kernels.ts, GFLOP/s), frameworks (probes/frameworks/calibrate.ts), gpu
 * (probes/gpu/calibrate.ts OPENCL_METRICS / CUDA_METRICS). A metric not matched is not checked.
 */
export const METRIC_BASES: readonly (readonly [RegExp, BaseUnit])[] = [
  [/^crypto\./, 'B/s'],
  [/^cpu\.mem-/, 'B/s'],
  [/^cpu\.(scalar-f64|wasm-scalar|wasm-simd)$/, 'FLOP/s'],
  [/^cpu\.scalar-int$/, 'op/s'],
  [/^cpu\.parallel-scaling$/, 'x'],
  [/^ml\.tfjs\./, 'FLOP/s'],
  [/^frameworks\.numpy\.matmul/, 'FLOP/s'],
  [/^gpu\.(opencl|cuda)\..*fma-f32$/, 'FLOP/s'],
  [/^gpu\.(opencl|cuda)\..*(bandwidth|h2d|d2h)$/, 'B/s'],
];

/** The base unit a metric is measured in, when known. */
export function metricBase(id: string): BaseUnit | undefined {
  return METRIC_BASES.find(([re]) => re.test(id))?.[1];
}

/** Whether lower values of a unit are better (times); unknown units count as higher-is-better. */
export function lowerIsBetter(unit: string): boolean {
  const u = parseUnit(unit);
  return u ? BASE_UNITS[u.base].lowerIsBetter : false;
}

/** A value with up to 3 significant digits ("0.33", "5.7", "1234"). */
export function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 100 || Number.isInteger(n)) return String(Math.round(n * 10) / 10);
  return String(Number(n.toPrecision(a >= 1 ? 3 : 2)));
}

/** Converts a base-unit value into the given unit ("GB/s") for display; null when they do not match. */
export function inUnit(value: number, base: BaseUnit, unit: string): number | null {
  const u = parseUnit(unit);
  return u && u.base === base ? value / u.factor : null;
}
