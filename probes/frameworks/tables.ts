/** The frameworks probe's vocabularies: one `as const` table each. */

/** Where an interpreter candidate comes from, in the order they are inspected (deploys use the active environment first). */
export const PY_CANDIDATES = [
  { id: 'virtualenv', env: 'VIRTUAL_ENV', bin: ['bin/python', 'Scripts/python.exe'] },
  { id: 'conda', env: 'CONDA_PREFIX', bin: ['bin/python', 'python.exe'] },
  { id: 'path-python3', name: 'python3' },
  { id: 'path-python', name: 'python' },
  { id: 'system', path: '/usr/bin/python3' },
] as const;

/** x86 levels and Arm64 vector tiers, lowest first: a SIMD limit is compared by index within its family. */
export const SIMD_TIERS = {
  x86: ['x86-64', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4'],
  arm64: ['asimd', 'sve', 'sve2'],
} as const;

/** A tier name of either family. */
export type SimdTier = (typeof SIMD_TIERS)[keyof typeof SIMD_TIERS][number];

/**
 * OpenBLAS core names (OPENBLAS_CORETYPE values, `openblas_get_corename()`), lower-cased, and the
 * highest tier their kernels use. From OpenBLAS driver/others/dynamic.c and dynamic_arm64.c.
 */
export const OPENBLAS_CORES: Readonly<Record<string, SimdTier>> = {
  katmai: 'x86-64',
  coppermine: 'x86-64',
  northwood: 'x86-64',
  prescott: 'x86-64',
  banias: 'x86-64',
  atom: 'x86-64',
  core2: 'x86-64',
  penryn: 'x86-64',
  dunnington: 'x86-64',
  athlon: 'x86-64',
  opteron: 'x86-64',
  opteron_sse3: 'x86-64',
  barcelona: 'x86-64',
  nano: 'x86-64',
  bobcat: 'x86-64',
  nehalem: 'x86-64-v2',
  sandybridge: 'x86-64-v2',
  bulldozer: 'x86-64-v2',
  piledriver: 'x86-64-v2',
  steamroller: 'x86-64-v2',
  excavator: 'x86-64-v3',
  haswell: 'x86-64-v3',
  zen: 'x86-64-v3',
  skylakex: 'x86-64-v4',
  cooperlake: 'x86-64-v4',
  sapphirerapids: 'x86-64-v4',
  armv8: 'asimd',
  cortexa53: 'asimd',
  cortexa55: 'asimd',
  cortexa57: 'asimd',
  cortexa72: 'asimd',
  cortexa73: 'asimd',
  cortexa76: 'asimd',
  cortexx1: 'asimd',
  neoversen1: 'asimd',
  thunderx: 'asimd',
  thunderx2t99: 'asimd',
  thunderx3t110: 'asimd',
  tsv110: 'asimd',
  emag8180: 'asimd',
  falkor: 'asimd',
  vortex: 'asimd',
  neoversev1: 'sve',
  a64fx: 'sve',
  armv8sve: 'sve',
  neoversen2: 'sve2',
  neoversev2: 'sve2',
  cortexa510: 'sve2',
  cortexa710: 'sve2',
  cortexx2: 'sve2',
};

/** MKL_ENABLE_INSTRUCTIONS values → the tier MKL is limited to (Intel oneMKL developer reference). */
export const MKL_INSTRUCTIONS: Readonly<Record<string, SimdTier>> = {
  SSE4_2: 'x86-64-v2',
  AVX: 'x86-64-v2',
  AVX2: 'x86-64-v3',
  AVX2_E1: 'x86-64-v3',
  AVX512: 'x86-64-v4',
  AVX512_E1: 'x86-64-v4',
  AVX512_E2: 'x86-64-v4',
  AVX512_E3: 'x86-64-v4',
  AVX512_E4: 'x86-64-v4',
  AVX512_E5: 'x86-64-v4',
  AVX10: 'x86-64-v4',
};

/** MKL_CBWR branches (before an optional ",STRICT") → the code path MKL runs; AUTO does not limit. */
export const MKL_CBWR: Readonly<Record<string, SimdTier>> = {
  COMPATIBLE: 'x86-64',
  SSE2: 'x86-64',
  SSE3: 'x86-64',
  SSSE3: 'x86-64',
  SSE4_1: 'x86-64',
  SSE4_2: 'x86-64-v2',
  AVX: 'x86-64-v2',
  AVX2: 'x86-64-v3',
  AVX512: 'x86-64-v4',
  AVX512_E1: 'x86-64-v4',
};

/**
 * ATEN_CPU_CAPABILITY values on x86 → the tier PyTorch's vectorized CPU kernels are limited to.
 * Matched case-sensitively, as torch does (aten/src/ATen/native/DispatchStub.cpp compares with
 * strcmp and warns "ignoring invalid value for ATEN_CPU_CAPABILITY" otherwise, staying on its default).
 */
export const ATEN_CAPABILITY: Readonly<Record<string, SimdTier>> = {
  default: 'x86-64',
  avx2: 'x86-64-v3',
  avx512: 'x86-64-v4',
};

/** ONEDNN_MAX_CPU_ISA values (oneDNN's dnnl_cpu_isa names, case-insensitive) → the tier oneDNN is limited to; ALL and DEFAULT do not limit. */
export const ONEDNN_ISA: Readonly<Record<string, SimdTier>> = {
  SSE41: 'x86-64-v2',
  AVX: 'x86-64-v2',
  AVX2: 'x86-64-v3',
  AVX2_VNNI: 'x86-64-v3',
  AVX2_VNNI_2: 'x86-64-v3',
  AVX512_CORE: 'x86-64-v4',
  AVX512_CORE_VNNI: 'x86-64-v4',
  AVX512_CORE_BF16: 'x86-64-v4',
  AVX512_CORE_FP16: 'x86-64-v4',
  AVX512_CORE_AMX: 'x86-64-v4',
  AVX512_CORE_AMX_FP16: 'x86-64-v4',
  AVX10_1_512: 'x86-64-v4',
  AVX10_1_512_AMX: 'x86-64-v4',
  AVX10_1_512_AMX_FP16: 'x86-64-v4',
};

/**
 * numpy's CPU feature names (`__cpu_features__`, baseline and dispatch targets) → the kernel flags
 * (/proc/cpuinfo spelling) the feature needs; groups list every flag they need. From numpy's
 * meson_cpu/x86 and arm definitions (numpy 1.x individual features, numpy 2.x X86_V* groups).
 */
export const NUMPY_FEATURES: Readonly<Record<string, readonly string[]>> = {
  MMX: ['mmx'],
  SSE: ['sse'],
  SSE2: ['sse2'],
  SSE3: ['pni'],
  SSSE3: ['ssse3'],
  SSE41: ['sse4_1'],
  POPCNT: ['popcnt'],
  SSE42: ['sse4_2'],
  AVX: ['avx'],
  F16C: ['f16c'],
  XOP: ['xop'],
  FMA4: ['fma4'],
  FMA3: ['fma'],
  AVX2: ['avx2'],
  LAHF: ['lahf_lm'],
  CX16: ['cx16'],
  MOVBE: ['movbe'],
  BMI: ['bmi1'],
  BMI2: ['bmi2'],
  LZCNT: ['abm'],
  GFNI: ['gfni'],
  VPCLMULQDQ: ['vpclmulqdq'],
  VAES: ['vaes'],
  AVX512F: ['avx512f'],
  AVX512CD: ['avx512cd'],
  AVX512ER: ['avx512er'],
  AVX512PF: ['avx512pf'],
  AVX5124FMAPS: ['avx512_4fmaps'],
  AVX5124VNNIW: ['avx512_4vnniw'],
  AVX512VPOPCNTDQ: ['avx512_vpopcntdq'],
  AVX512VL: ['avx512vl'],
  AVX512BW: ['avx512bw'],
  AVX512DQ: ['avx512dq'],
  AVX512VNNI: ['avx512_vnni'],
  AVX512IFMA: ['avx512ifma'],
  AVX512VBMI: ['avx512vbmi'],
  AVX512VBMI2: ['avx512_vbmi2'],
  AVX512BITALG: ['avx512_bitalg'],
  AVX512FP16: ['avx512_fp16'],
  AVX512BF16: ['avx512_bf16'],
  X86_V2: ['pni', 'ssse3', 'sse4_1', 'sse4_2', 'popcnt', 'lahf_lm', 'cx16'],
  X86_V3: ['avx', 'avx2', 'fma', 'f16c', 'bmi1', 'bmi2', 'abm', 'movbe'],
  X86_V4: ['avx512f', 'avx512cd', 'avx512vl', 'avx512bw', 'avx512dq'],
  AVX512_KNL: ['avx512f', 'avx512cd', 'avx512er', 'avx512pf'],
  AVX512_KNM: ['avx512f', 'avx512cd', 'avx512er', 'avx512pf', 'avx512_4fmaps', 'avx512_4vnniw', 'avx512_vpopcntdq'],
  AVX512_SKX: ['avx512f', 'avx512cd', 'avx512vl', 'avx512bw', 'avx512dq'],
  AVX512_CLX: ['avx512f', 'avx512cd', 'avx512vl', 'avx512bw', 'avx512dq', 'avx512_vnni'],
  AVX512_CNL: ['avx512f', 'avx512cd', 'avx512vl', 'avx512bw', 'avx512dq', 'avx512ifma', 'avx512vbmi'],
  AVX512_ICL: [
    'avx512f', 'avx512cd', 'avx512vl', 'avx512bw', 'avx512dq', 'avx512_vnni', 'avx512ifma', 'avx512vbmi',
    'avx512_vbmi2', 'avx512_bitalg', 'avx512_vpopcntdq',
  ],
  AVX512_SPR: [
    'avx512f', 'avx512cd', 'avx512vl', 'avx512bw', 'avx512dq', 'avx512_vnni', 'avx512ifma', 'avx512vbmi',
    'avx512_vbmi2', 'avx512_bitalg', 'avx512_vpopcntdq', 'avx512_fp16',
  ],
  NEON: ['asimd'],
  NEON_FP16: ['asimd'],
  NEON_VFPV4: ['asimd'],
  ASIMD: ['asimd'],
  FPHP: ['fphp'],
  ASIMDHP: ['asimdhp'],
  ASIMDDP: ['asimddp'],
  ASIMDFHM: ['asimdfhm'],
  SVE: ['sve'],
};

/** Which part of the stack a variable steers. */
export type EnvKind = 'simd' | 'threads' | 'gpu' | 'other';

/** The variables that mask or override what frameworks use, each with its effect (issue 8 §2). All are in MASK_VARS. */
export const FRAMEWORK_ENV = {
  OPENBLAS_CORETYPE: { kind: 'simd', effect: 'forces OpenBLAS (DYNAMIC_ARCH builds) to use the kernels of the named core instead of detecting the CPU' },
  OPENBLAS_NUM_THREADS: { kind: 'threads', effect: 'sets the number of OpenBLAS threads' },
  GOTO_NUM_THREADS: { kind: 'threads', effect: 'sets the number of OpenBLAS threads when OPENBLAS_NUM_THREADS is unset' },
  OPENBLAS_L2_SIZE: { kind: 'other', effect: 'overrides the L2 cache size (KiB) OpenBLAS sizes its blocking for, instead of what the CPU reports' },
  MKL_NUM_THREADS: { kind: 'threads', effect: 'sets the number of Intel MKL threads (over OMP_NUM_THREADS)' },
  MKL_DEBUG_CPU_TYPE: { kind: 'simd', effect: 'forces the CPU type Intel MKL dispatches for (honoured by MKL up to 2020.0; later MKL ignores it)' },
  ONEDNN_MAX_CPU_ISA: { kind: 'simd', effect: 'limits oneDNN (the CPU kernels of PyTorch and TensorFlow) to the named ISA and below' },
  MKL_ENABLE_INSTRUCTIONS: { kind: 'simd', effect: 'limits Intel MKL to the named instruction set and below' },
  MKL_CBWR: { kind: 'simd', effect: 'MKL conditional numerical reproducibility: runs the code path of the named branch for reproducible results' },
  NPY_DISABLE_CPU_FEATURES: { kind: 'simd', effect: "disables numpy's runtime dispatch to the listed CPU features" },
  NPY_ENABLE_CPU_FEATURES: { kind: 'simd', effect: "limits numpy's runtime dispatch to the listed CPU features (numpy versions that know it)" },
  ATEN_CPU_CAPABILITY: { kind: 'simd', effect: "limits PyTorch's vectorized CPU kernels to the named capability" },
  OMP_NUM_THREADS: { kind: 'threads', effect: 'sets the OpenMP thread count (OpenBLAS, MKL, PyTorch, oneDNN)' },
  TF_ENABLE_ONEDNN_OPTS: { kind: 'other', effect: 'turns TensorFlow oneDNN CPU optimizations on (1) or off (0)' },
  CUDA_VISIBLE_DEVICES: { kind: 'gpu', effect: 'selects which NVIDIA GPUs CUDA frameworks see' },
} as const satisfies Record<string, { kind: EnvKind; effect: string }>;

/** A variable of FRAMEWORK_ENV. */
export type FrameworkEnvName = keyof typeof FRAMEWORK_ENV;

/** onnxruntime execution provider names → capability suffix (`ml.onnxruntime.<suffix>`); others are lower-cased without "ExecutionProvider". */
export function providerId(provider: string): string {
  return provider.replace(/ExecutionProvider$/, '').toLowerCase().replace(/[^a-z0-9_+.-]/g, '-') || 'unknown';
}
