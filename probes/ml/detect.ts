/**
 * ML detection, cheap and without importing tfjs: which tfjs packages hwprobe's own install holds
 * (package.json reads through Host), whether the engine accepts WebAssembly SIMD, and whether the
 * native binding @tensorflow/tfjs-node has its addon and libtensorflow — loaded in a child process,
 * only where the addon exists, so the loader's own error can be quoted.
 */
import { createRequire } from 'node:module';
import { posix, win32 } from 'node:path';
import type { Capability, Detection, Evidence, Finding } from '../../src/types.js';
import type { ExecResult, Host } from '../../src/host/host.js';
import { TFJS_PACKAGES, WASM_BINARIES, type PackageKey } from './tables.js';
import { findPackage, nodeModulesPaths, ownSearchPaths, type InstalledPackage } from './resolve.js';
import { wasmSupport, type WasmSupport } from './wasm.js';
import { finding } from './findings.js';
import { parseJsonBounded } from '../../src/json-bounded.js';

/** Version (or null when absent) of each tfjs package. */
export type PackageVersions = Record<(typeof TFJS_PACKAGES)[PackageKey], string | null>;

/** What detection found out about the native binding. Paths are relative to the package. */
export interface NativeFacts {
  installed: boolean;
  version: string | null;
  /** e.g. lib/napi-v8/tfjs_binding.node, or null when no napi-v* directory holds one */
  addon: string | null;
  /** libtensorflow files found next to the addon or in deps/lib */
  libtensorflow: string[];
  /** the load attempt in a child process: null when not attempted (no addon) or not answered */
  load: { ok: boolean; error?: string } | null;
  /** why it is unusable, or null when usable */
  reason: string | null;
}

/**
 * The tfjs install of the user's project: by default the current directory, read only (package.json
 * files, the addon and libtensorflow files); its addon is loaded only when the project was named
 * explicitly (`--project DIR`, library option `project`). Paths stay out of the report.
 */
export interface ProjectFacts {
  /** `cwd` (read only) or `option` (named by the user: its addon is loaded) */
  source: 'cwd' | 'option';
  /** whether the project directory has a package.json */
  packageJson: boolean;
  name: string | null;
  /** the @tensorflow/* ranges its package.json declares (dependencies, dev, optional, peer) */
  declared: Record<string, string>;
  packages: PackageVersions;
  native: NativeFacts;
  /** true when the project resolves to the very tfjs-core hwprobe itself uses (e.g. hwprobe installed in it) */
  sameAsHwprobe: boolean;
}

/** The probe's facts. */
export interface MlFacts {
  packages: PackageVersions;
  webAssembly: WasmSupport | null;
  /** which of tfjs-backend-wasm's binaries are present in its dist/ */
  wasmBinaries: Record<string, boolean>;
  /** the @tensorflow/tfjs-core range each installed backend package declares as its peer */
  peerRanges: Record<string, string>;
  native: NativeFacts;
  /** the project in the current directory (or named with --project); absent when unknown (a capture without it) */
  project?: ProjectFacts;
}

/** Files that are libtensorflow on Linux (libtensorflow.so.2…), macOS (.dylib) or Windows (tensorflow.dll). */
const LIBTENSORFLOW_RE = /^(libtensorflow(\.so(\.\d+)*|(\.\d+)*\.dylib)|tensorflow\.dll)$/;

/**
 * Loads the addon with process.dlopen and prints `{"ok":…,"error":…}`: the dynamic loader's message
 * (for instance "libtensorflow.so.2: cannot open shared object file") is what a user needs to see.
 */
const LOAD_SCRIPT =
  "try{process.dlopen({exports:{}},process.argv[1]);process.stdout.write(JSON.stringify({ok:true}))}" +
  "catch(e){process.stdout.write(JSON.stringify({ok:false,error:String(e&&e.message||e)}))}";

/** Timeout of the load attempt: libtensorflow is large, but a loader that takes longer is broken. */
const LOAD_TIMEOUT_MS = 10_000;

/**
 * The tfjs packages of an install, from its search paths. hwprobe depends on core and the cpu and
 * wasm backends directly; an umbrella @tensorflow/tfjs (a project's, or tfjs-node's) may nest its own
 * core and backend-cpu, found from the umbrella's directory when the search paths have none.
 */
export async function findPackages(host: Host, searchPaths: readonly string[]): Promise<Partial<Record<PackageKey, InstalledPackage>>> {
  const platform = host.info().platform;
  const [tfjs, core, cpu, wasm, node] = await Promise.all(
    (['tfjs', 'core', 'cpu', 'wasm', 'node'] as const).map((k) => findPackage(host, TFJS_PACKAGES[k], searchPaths)),
  );
  const fromTfjs = tfjs ? nodeModulesPaths(tfjs.dir, platform) : [];
  const [nestedCore, nestedCpu] = await Promise.all(
    (['core', 'cpu'] as const).map((k) => ((k === 'core' ? core : cpu) ? undefined : findPackage(host, TFJS_PACKAGES[k], fromTfjs))),
  );
  return { tfjs, core: core ?? nestedCore, cpu: cpu ?? nestedCpu, wasm, node };
}

/** The addon and libtensorflow of an installed tfjs-node, and the load attempt. */
async function inspectNative(host: Host, pkg: InstalledPackage | undefined, ev: Evidence[], where = "hwprobe's node_modules", load = true): Promise<NativeFacts> {
  if (!pkg) {
    return { installed: false, version: null, addon: null, libtensorflow: [], load: null, reason: `not installed: ${TFJS_PACKAGES.node} is not in ${where}` };
  }
  const p = host.info().platform === 'win32' ? win32 : posix;
  const facts: NativeFacts = { installed: true, version: pkg.version, addon: null, libtensorflow: [], load: null, reason: null };
  const moduleName = typeof pkg.json.binary?.module_name === 'string' ? pkg.json.binary.module_name : 'tfjs_binding';
  const napi = Number(host.info().versions.napi ?? Infinity);
  // node-pre-gyp installs the addon into lib/napi-v<N>/ for the highest N the runtime supports.
  const napiDirs = ((await host.readDir(p.join(pkg.dir, 'lib'))) ?? [])
    .map((d) => ({ d, n: Number(/^napi-v(\d+)$/.exec(d)?.[1]) }))
    .filter((x) => Number.isFinite(x.n) && x.n <= napi)
    .sort((a, b) => b.n - a.n);
  for (const { d } of napiDirs) {
    const rel = `lib/${d}/${moduleName}.node`;
    if (await host.exists(p.join(pkg.dir, rel))) {
      facts.addon = rel;
      break;
    }
  }
  ev.push({ source: `${TFJS_PACKAGES.node} addon`, ok: facts.addon !== null, detail: facts.addon ?? `no lib/napi-v*/${moduleName}.node` });
  for (const rel of [facts.addon ? p.dirname(facts.addon).replace(/\\/g, '/') : undefined, 'deps/lib']) {
    if (!rel) continue;
    for (const f of (await host.readDir(p.join(pkg.dir, rel))) ?? []) if (LIBTENSORFLOW_RE.test(f)) facts.libtensorflow.push(`${rel}/${f}`);
  }
  facts.libtensorflow.sort();
  ev.push({ source: 'libtensorflow', ok: facts.libtensorflow.length > 0, detail: facts.libtensorflow.join(', ') || 'not found next to the addon or in deps/lib' });

  if (!facts.addon) {
    facts.reason = `native addon missing: no lib/napi-v*/${moduleName}.node (its install did not download or build it)`;
    return facts;
  }
  // A project's addon is code from the user's directory: loaded only when they named it (--project).
  if (!load) return facts;
  // The exec key holds machine-specific paths; the result is recorded under a stable call key too.
  const addonPath = p.join(pkg.dir, facts.addon);
  const r = await host.call<ExecResult>('ml.tfjs-node.load', () =>
    host.exec(process.execPath, ['-e', LOAD_SCRIPT, addonPath], { timeoutMs: LOAD_TIMEOUT_MS, maxBytes: 64 * 1024 }),
  );
  facts.load = parseLoad(r);
  ev.push({ source: `${TFJS_PACKAGES.node} load`, ok: facts.load?.ok === true, detail: facts.load ? facts.load.error ?? 'loaded' : 'no answer' });
  if (facts.load && !facts.load.ok) facts.reason = `libtensorflow failed to load: ${facts.load.error}`;
  else if (!facts.load) facts.reason = null; // could not tell
  return facts;
}

/** Reads the load attempt's answer: null when there is none (replay without it, or the child never answered). */
export function parseLoad(r: ExecResult | undefined): NativeFacts['load'] {
  if (!r) return null;
  const line = r.stdout.trim();
  if (line.startsWith('{')) {
    try {
      const j = parseJsonBounded(line) as { ok?: unknown; error?: unknown };
      if (j.ok === true) return { ok: true };
      if (j.ok === false) return { ok: false, error: String(j.error ?? 'unknown error').slice(0, 500) };
    } catch {
      /* fall through */
    }
  }
  // A loader that crashes the process (a signal) or hangs is an answer too.
  if (r.signal) return { ok: false, error: `loading the addon killed the process with ${r.signal}` };
  if (r.status === 'timeout') return { ok: false, error: `loading the addon did not finish within ${LOAD_TIMEOUT_MS} ms` };
  if (r.status === 'failed') return { ok: false, error: `loading the addon exited ${r.code}: ${r.stderr.trim().split('\n')[0]?.slice(0, 300) ?? ''}` };
  return null;
}

/** A plain x.y.z version, which as a range means exactly itself. */
const EXACT = /^\d+\.\d+\.\d+$/;

/**
 * `satisfies` from semver, loaded only when a peer range is to be checked. tfjs pins its peers to an
 * exact version ("4.22.0"); that case is a string comparison, which spares loading semver and
 * compiling its regular expressions (37 ms of CPU per run on a 2-core machine, `node --cpu-prof`).
 */
export function satisfies(version: string, range: string): boolean | null {
  if (EXACT.test(version) && EXACT.test(range)) return version === range;
  try {
    const sat = createRequire(import.meta.url)('semver/functions/satisfies') as typeof import('semver').satisfies;
    return sat(version, range);
  } catch {
    return null;
  }
}

function cap(advertised: boolean | null, usable: boolean | null, evidence: string[], notes?: string): Capability {
  const c: Capability = { advertised, usable, effective: null, evidence };
  if (notes) c.notes = notes;
  return c;
}

/** Capabilities and findings from the facts (pure; tests call it directly). */
export function derive(f: MlFacts): { capabilities: Record<string, Capability>; findings: Finding[] } {
  const pk = f.packages;
  const findings: Finding[] = [];
  const core = pk[TFJS_PACKAGES.core];
  // A backend is unusable with a core outside its peer range (the kernels it registers would not match).
  const peerProblem = (key: PackageKey): string | undefined => {
    const range = f.peerRanges[TFJS_PACKAGES[key]];
    const v = pk[TFJS_PACKAGES[key]];
    if (!v) return `${TFJS_PACKAGES[key]} is not installed`;
    if (!core) return `${TFJS_PACKAGES.core} is not installed`;
    if (range && satisfies(core, range) === false) {
      findings.push(finding('ML_TFJS_PEER_MISMATCH', { package: TFJS_PACKAGES[key], version: v, range, core }));
      return `${TFJS_PACKAGES[key]} ${v} wants ${TFJS_PACKAGES.core} ${range}, ${core} is installed`;
    }
    return undefined;
  };
  const caps: Record<string, Capability> = {};
  const wasmVer = pk[TFJS_PACKAGES.wasm];
  const wa = f.webAssembly;


  const cpuProblem = peerProblem('cpu');
  caps['ml.tfjs.cpu'] = cap(
    pk[TFJS_PACKAGES.cpu] !== null,
    cpuProblem === undefined,
    pk[TFJS_PACKAGES.cpu] ? [`${TFJS_PACKAGES.cpu} ${pk[TFJS_PACKAGES.cpu]}`, `${TFJS_PACKAGES.core} ${core ?? 'missing'}`] : [],
    cpuProblem,
  );

  const wasmProblem = peerProblem('wasm');
  const wasmEv = wasmVer ? [`${TFJS_PACKAGES.wasm} ${wasmVer}`] : [];
  const binaryProblem = (name: string) => (wasmVer && !f.wasmBinaries[name] ? `${name} is missing from ${TFJS_PACKAGES.wasm}/dist` : undefined);
  const engine = wa === null ? null : wa.wasm;
  const plainProblem = wasmProblem ?? (engine === false ? 'this JavaScript engine has no WebAssembly' : binaryProblem(WASM_BINARIES[0]));
  caps['ml.tfjs.wasm'] = cap(
    wasmVer === null ? false : engine,
    plainProblem !== undefined ? false : engine === null ? null : true,
    [...wasmEv, ...(wa ? [`WebAssembly ${wa.wasm ? 'available' : 'absent'}`] : [])],
    plainProblem,
  );

  const simd = wa === null ? null : wa.simd;
  const simdProblem =
    wasmProblem ?? (simd === false ? 'this JavaScript engine rejects WebAssembly SIMD128' : binaryProblem(WASM_BINARIES[1]));
  caps['ml.tfjs.wasm-simd'] = cap(
    wasmVer === null ? false : simd,
    simdProblem !== undefined ? false : simd === null ? null : true,
    [...wasmEv, ...(wa ? [`WebAssembly.validate(SIMD128 module): ${wa.simd}`] : [])],
    simdProblem,
  );

  const n = f.native;
  const nEv = n.installed
    ? [`${TFJS_PACKAGES.node} ${n.version}`, n.addon ? `addon ${n.addon}` : 'no addon', ...n.libtensorflow.map((l) => `libtensorflow ${l}`)]
    : [`${TFJS_PACKAGES.node} not found`];
  if (n.load) nEv.push(n.load.ok ? 'addon loaded in a child process' : `load failed: ${n.load.error}`);
  caps['ml.tfjs.tensorflow'] = cap(n.installed, n.reason ? false : n.load?.ok === true ? true : null, nEv, n.reason ?? undefined);
  if (!n.installed) findings.push(finding('ML_TFJS_NATIVE_MISSING', {}, nEv));
  else if (n.reason) findings.push(finding('ML_TFJS_NATIVE_BROKEN', { version: n.version, reason: n.reason }, nEv));

  return { capabilities: caps, findings };
}

/** Where the install cannot be seen (a replayed capture without the ml probe's records): every answer is "could not tell". */
function unknownDetection(): Detection {
  const why = 'the package search paths are unknown (not in the capture)';
  const capabilities: Record<string, Capability> = {};
  for (const id of ['ml.tfjs.cpu', 'ml.tfjs.tensorflow', 'ml.tfjs.wasm', 'ml.tfjs.wasm-simd']) capabilities[id] = cap(null, null, [], why);
  return { status: 'ok', facts: {}, evidence: [{ source: 'ml.tfjs.search-paths', ok: false, detail: why }], capabilities, findings: [] };
}

/** The project's tfjs: its package.json and node_modules through Host reads; the addon loaded only for a named project. */
async function inspectProject(host: Host, explicit: string | undefined, own: Partial<Record<PackageKey, InstalledPackage>>, ev: Evidence[]): Promise<ProjectFacts | undefined> {
  const dir = explicit ?? (await host.call('ml.project.cwd', async () => process.cwd()));
  if (typeof dir !== 'string') return undefined;
  const platform = host.info().platform;
  const p = platform === 'win32' ? win32 : posix;
  const source = explicit ? 'option' : 'cwd';
  const text = await host.readFile(p.join(dir, 'package.json'));
  let json: Record<string, unknown> = {};
  try {
    json = text ? (parseJsonBounded(text) as Record<string, unknown>) : {};
  } catch {
    /* not a package.json Node could read either; its packages are still looked for */
  }
  const declared: Record<string, string> = {};
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    const deps = json[field];
    if (deps && typeof deps === 'object') for (const [k, v] of Object.entries(deps)) if (k.startsWith('@tensorflow/') && typeof v === 'string') declared[k] = v;
  }
  const found = await findPackages(host, nodeModulesPaths(dir, platform));
  const packages = Object.fromEntries((Object.keys(TFJS_PACKAGES) as PackageKey[]).map((k) => [TFJS_PACKAGES[k], found[k]?.version ?? null])) as PackageVersions;
  const where = `the project (${source === 'cwd' ? 'current directory' : '--project'})`;
  ev.push({ source: `project package.json (${source})`, ok: text !== undefined, detail: text === undefined ? 'none' : `${typeof json.name === 'string' ? json.name : 'unnamed'}; declares ${Object.keys(declared).join(', ') || 'no @tensorflow package'}` });
  const native = await inspectNative(host, found.node, ev, where, source === 'option');
  if (found.node && source === 'cwd' && native.addon) native.reason = null; // present; not loaded (could not tell)
  return {
    source,
    packageJson: text !== undefined,
    name: typeof json.name === 'string' ? json.name : null,
    declared,
    packages,
    native,
    sameAsHwprobe: found.core !== undefined && found.core.dir === own.core?.dir,
  };
}

/** Capability and findings about the project's tfjs-node: which install the verdict is about is in its id and evidence. */
function deriveProject(pf: ProjectFacts): { capabilities: Record<string, Capability>; findings: Finding[] } {
  const n = pf.native;
  const findings: Finding[] = [];
  const declaredNode = TFJS_PACKAGES.node in pf.declared;
  if (!n.installed && !declaredNode) return { capabilities: {}, findings };
  const where = pf.source === 'cwd' ? 'the project in the current directory' : 'the project named with --project';
  const ev = [`install: ${where}`, n.installed ? `${TFJS_PACKAGES.node} ${n.version}` : `${TFJS_PACKAGES.node} declared (${pf.declared[TFJS_PACKAGES.node]}) but not installed`];
  if (n.addon) ev.push(`addon ${n.addon}`);
  ev.push(...n.libtensorflow.map((l) => `libtensorflow ${l}`));
  let usable: boolean | null;
  let notes: string | undefined;
  if (!n.installed || !n.addon) {
    usable = false;
    notes = n.reason ?? undefined;
    findings.push(finding('ML_PROJECT_TFJS_NATIVE_MISSING', { where, version: n.version, reason: n.reason ?? 'not installed' }, ev, 'ml.project.tfjs.tensorflow'));
  } else if (n.load) {
    usable = n.load.ok;
    if (!n.load.ok) {
      notes = n.reason ?? undefined;
      findings.push(finding('ML_PROJECT_TFJS_NATIVE_MISSING', { where, version: n.version, reason: n.reason ?? 'failed to load' }, ev, 'ml.project.tfjs.tensorflow'));
    }
  } else {
    usable = n.libtensorflow.length === 0 ? false : null;
    notes = usable === false ? 'libtensorflow not found next to the addon or in deps/lib' : 'addon and libtensorflow present, not loaded: hwprobe loads code from a project only when named with --project DIR';
  }
  return { capabilities: { 'ml.project.tfjs.tensorflow': cap(n.installed, usable, ev, notes) }, findings };
}

/** Runs the ML detection against a Host; `searchPaths` overrides where packages are looked for (tests); `project` names a project whose addon may be loaded. */
export async function detectMl(host: Host, searchPaths?: readonly string[], project?: string): Promise<Detection> {
  const evidence: Evidence[] = [];
  const paths = searchPaths ?? (await ownSearchPaths(host));
  if (!paths) return unknownDetection();
  const found = await findPackages(host, paths);
  const packages = Object.fromEntries(
    (Object.keys(TFJS_PACKAGES) as PackageKey[]).map((k) => [TFJS_PACKAGES[k], found[k]?.version ?? null]),
  ) as PackageVersions;
  for (const k of Object.keys(TFJS_PACKAGES) as PackageKey[]) {
    const pkg = found[k];
    evidence.push({ source: `${TFJS_PACKAGES[k]}/package.json`, ok: pkg !== undefined, detail: pkg ? `version ${pkg.version}` : 'not installed' });
  }
  const webAssembly = (await host.call('ml.wasm.support', async () => wasmSupport())) ?? null;
  evidence.push({ source: 'WebAssembly.validate', ok: webAssembly !== null, detail: webAssembly ? `wasm ${webAssembly.wasm}, simd ${webAssembly.simd}` : 'no answer' });

  const wasmBinaries: Record<string, boolean> = {};
  if (found.wasm) {
    const p = host.info().platform === 'win32' ? win32 : posix;
    const present = new Set((await host.readDir(p.join(found.wasm.dir, 'dist'))) ?? []);
    for (const b of WASM_BINARIES) wasmBinaries[b] = present.has(b);
  }
  const native = await inspectNative(host, found.node, evidence);
  const peerRanges: Record<string, string> = {};
  for (const k of ['cpu', 'wasm'] as const) {
    const r = found[k]?.json.peerDependencies?.[TFJS_PACKAGES.core];
    if (typeof r === 'string') peerRanges[TFJS_PACKAGES[k]] = r;
  }
  const projectFacts = await inspectProject(host, project, found, evidence);
  const facts: MlFacts = { packages, webAssembly, wasmBinaries, peerRanges, native, ...(projectFacts ? { project: projectFacts } : {}) };
  const { capabilities, findings } = derive(facts);
  // Say which install each verdict is about: ml.tfjs.* are hwprobe's own, ml.project.* the project's.
  for (const c of Object.values(capabilities)) c.evidence.unshift("install: hwprobe's own (its node_modules)");
  // A project that resolves to hwprobe's own tfjs (hwprobe's checkout, or a project hwprobe is installed in
  // with shared packages) gets no second verdict: ml.tfjs.* already judge that install.
  if (projectFacts && !projectFacts.sameAsHwprobe) {
    const pr = deriveProject(projectFacts);
    Object.assign(capabilities, pr.capabilities);
    findings.push(...pr.findings);
  }
  return { status: 'ok', facts: { ...facts }, evidence, capabilities, findings };
}
