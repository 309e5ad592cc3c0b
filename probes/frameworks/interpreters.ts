/**
 * Finding the Python interpreters deploys use and inspecting each through Host.exec: an identity run
 * per candidate (version, prefix, which packages are installed; no imports), then, per distinct
 * interpreter, one run per package found, under a concurrency cap, each with its own budget.
 */
import { posix, win32 } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Evidence } from '../../src/types.js';
import type { ExecResult, Host } from '../../src/host/host.js';
import { PY_CANDIDATES, FRAMEWORK_ENV } from './tables.js';
import { PY_INSPECT, PY_PACKAGES, type PyPackage } from './script.js';
import { inspectArgsV1 } from './replay-v1.js';
import { parseInspection, type Inspection, type PackageReport, type PythonInfo, type RunStatus } from './parse.js';

export { DEFAULT_BUDGET, type InspectBudget } from './budget.js';
import { DEFAULT_BUDGET, type InspectBudget } from './budget.js';

/** Extra environment for every interpreter run: Python ≥ 3.11 then never puts the current directory on sys.path (the script also drops it). */
export const PY_ENV = { PYTHONSAFEPATH: '1' } as const;

/** The mask variables the script echoes as the interpreter sees them. */
const MASK_NAMES = Object.keys(FRAMEWORK_ENV);

/** The argv of an inspection run. */
export function inspectArgs(nonce: string, imports: readonly string[], locate: readonly string[]): string[] {
  return ['-c', PY_INSPECT, nonce, imports.join(','), locate.join(','), ...MASK_NAMES];
}

/** One interpreter, as reported in facts.python. */
export interface InterpreterReport {
  /** the absolute path that was run */
  path: string;
  /** how deploys reach it: "python3 on PATH", "/usr/bin/python3", "$VIRTUAL_ENV/bin/python"… */
  invokedAs: string[];
  status: RunStatus;
  detail?: string;
  python: PythonInfo | null;
  skipped?: string;
  packages: Record<PyPackage, PackageReport>;
}

/** A place an interpreter may be, resolved to an absolute path. */
interface Candidate {
  label: string;
  path: string;
}

function pathApi(host: Host) {
  return host.info().platform === 'win32' ? win32 : posix;
}

/**
 * The first `dir/name` on the absolute entries of PATH that exists (empty and relative entries are
 * skipped, as NodeHost.exec does). A dangling symlink is passed over, as the shell, env(1) and Node
 * do, so the interpreter inspected is the one a deploy would run.
 */
export async function whichVia(host: Host, name: string): Promise<string | undefined> {
  const p = pathApi(host);
  const pathVar = host.env('PATH');
  if (!pathVar) return undefined;
  const names = host.info().platform === 'win32' ? [`${name}.exe`] : [name];
  for (const dir of pathVar.split(p.delimiter)) {
    if (!dir || !p.isAbsolute(dir)) continue;
    for (const n of names) {
      const c = p.join(dir, n);
      if (!(await host.exists(c))) continue;
      // Host.exists does not follow links; the resolved target must exist too.
      if ((await host.readLink(c)) !== undefined && !(await host.exists(await realpathVia(host, c)))) continue;
      return c;
    }
  }
  return undefined;
}

/** realpath(3) through Host.readLink, component by component, so replay resolves the same way. POSIX only. */
export async function realpathVia(host: Host, path: string): Promise<string> {
  if (host.info().platform === 'win32' || !path.startsWith('/')) return path;
  let todo = path.split('/').filter(Boolean);
  let done = '';
  let hops = 0;
  while (todo.length) {
    const part = todo.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      done = posix.dirname(done || '/') === '/' ? '' : posix.dirname(done);
      continue;
    }
    const next = `${done}/${part}`;
    const link = await host.readLink(next);
    if (link === undefined) {
      done = next;
      continue;
    }
    if (++hops > 40) return path; // a loop: give up resolving
    if (link.startsWith('/')) done = '';
    todo = [...link.split('/').filter(Boolean), ...todo];
  }
  return done || '/';
}

/** The candidates that exist, in PY_CANDIDATES order, with evidence for each place looked at. */
async function findCandidates(host: Host, evidence: Evidence[]): Promise<Candidate[]> {
  const p = pathApi(host);
  const found = await Promise.all(
    PY_CANDIDATES.map(async (row): Promise<Candidate[]> => {
      if ('env' in row) {
        const root = host.env(row.env);
        if (!root) return [];
        for (const bin of row.bin) {
          const c = p.join(root, bin);
          if (await host.exists(c)) {
            evidence.push({ source: `$${row.env}`, ok: true, detail: c });
            return [{ label: `$${row.env}/${bin}`, path: c }];
          }
        }
        evidence.push({ source: `$${row.env}`, ok: false, detail: `no ${row.bin.join(' or ')} under ${root}` });
        return [];
      }
      if ('name' in row) {
        const c = await whichVia(host, row.name);
        evidence.push({ source: `${row.name} on PATH`, ok: !!c, detail: c ?? (host.env('PATH') ? 'not found' : 'PATH is not set') });
        return c ? [{ label: `${row.name} on PATH`, path: c }] : [];
      }
      const ok = await host.exists(row.path);
      evidence.push({ source: row.path, ok, ...(ok ? {} : { detail: 'absent' }) });
      return ok ? [{ label: row.path, path: row.path }] : [];
    }),
  );
  return found.flat();
}

/** macOS's /usr/bin/python3 is a stub that opens an "install the Command Line Tools" dialog when they are missing. */
const MAC_STUB = '/usr/bin/python3';
const MAC_REAL = ['/Library/Developer/CommandLineTools/usr/bin/python3', '/Applications/Xcode.app/Contents/Developer/usr/bin/python3'];

/** Drops the macOS python3 stub when no developer tools are installed behind it. */
async function dropMacStub(host: Host, cands: Candidate[], evidence: Evidence[]): Promise<Candidate[]> {
  if (host.info().platform !== 'darwin') return cands;
  const out: Candidate[] = [];
  for (const c of cands) {
    if ((await realpathVia(host, c.path)) === MAC_STUB && !(await Promise.all(MAC_REAL.map((p) => host.exists(p)))).some(Boolean)) {
      evidence.push({ source: c.label, ok: false, detail: `${MAC_STUB} is the macOS stub and no Command Line Tools are installed: not run (it would open a dialog)` });
    } else out.push(c);
  }
  return out;
}

/** Groups candidates that are the same file run from the same directory (python → python3 → python3.11); a venv's bin/ stays apart. */
async function dedupe(host: Host, cands: Candidate[]): Promise<Array<{ path: string; invokedAs: string[] }>> {
  const p = pathApi(host);
  const keys = await Promise.all(
    cands.map(async (c) => `${await realpathVia(host, c.path)}\n${await realpathVia(host, p.dirname(c.path))}`),
  );
  const groups = new Map<string, { path: string; invokedAs: string[] }>();
  cands.forEach((c, i) => {
    const g = groups.get(keys[i]);
    if (g) g.invokedAs.push(c.label);
    else groups.set(keys[i], { path: c.path, invokedAs: [c.label] });
  });
  return [...groups.values()];
}

/** Runs the inspection script; bounded output, killed on timeout or when the probe is aborted. No nonce: a replayed capture made before nonces. */
function inspect(host: Host, path: string, nonce: string | undefined, imports: readonly string[], locate: readonly string[], timeoutMs: number, maxBytes: number, signal?: AbortSignal): Promise<ExecResult> {
  const args = nonce ? inspectArgs(nonce, imports, locate) : inspectArgsV1(imports, locate);
  return host.exec(path, args, { timeoutMs, maxBytes, env: { ...PY_ENV }, signal });
}

/** A queue that runs at most `limit` jobs at once, the lowest rank first; each job starts only when a slot is free. */
function scheduler(limit: number): (rank: number, job: () => Promise<void>) => Promise<void> {
  const waiting: Array<{ rank: number; start: () => void }> = [];
  let running = 0;
  const next = () => {
    waiting.sort((a, b) => a.rank - b.rank);
    while (running < Math.max(1, limit) && waiting.length) {
      running++;
      waiting.shift()!.start();
    }
  };
  return (rank, job) =>
    new Promise<void>((resolve) => {
      waiting.push({
        rank,
        start: () =>
          // importOne never throws (Host.exec reports failures as results); a stray throw must not stop the queue.
          void job()
            .catch(() => undefined)
            .finally(() => {
            running--;
            resolve();
            next();
          }),
      });
      next();
    });
}

/** One interpreter after its identity run, with the candidates that turned out to be it. */
interface Found {
  path: string;
  invokedAs: string[];
  ins: Inspection;
  /** what later runs execute: the interpreter's own sys.executable (past pyenv shims), else the candidate */
  run: string;
}

/**
 * Finds and inspects every interpreter. Never throws for an interpreter's sake.
 * `concurrency`: import runs at once (or a promise of it). Imports are CPU-bound, so more than the usable CPUs would only
 * stretch each one (two or three virtualenvs with torch and tensorflow starved each other, issue 12).
 */
export async function inspectInterpreters(
  host: Host,
  evidence: Evidence[],
  signal?: AbortSignal,
  budget: InspectBudget = DEFAULT_BUDGET,
  concurrency: number | Promise<number> = 1,
): Promise<InterpreterReport[]> {
  const t0 = Date.now();
  const left = () => budget.totalMs - (Date.now() - t0);
  // Recorded, so a replay reproduces the records of the run it captured. A capture without one was
  // made before nonces: it is replayed with the script and run layout of then (replay-v1.ts).
  const recorded = await host.call('frameworks.record-nonce', async () => randomBytes(12).toString('hex'));
  const v1 = host.kind === 'replay' && recorded === undefined;
  const nonce = v1 ? undefined : (recorded ?? randomBytes(12).toString('hex'));
  const meta = { nonce, maxBytes: budget.maxBytes };
  const groups = await dedupe(host, await dropMacStub(host, await findCandidates(host, evidence), evidence));

  /** One package's import run in its own process, with its own budget from the moment it starts. */
  const importOne = async (m: Found, name: PyPackage): Promise<void> => {
    const room = left();
    if (room < 250 || signal?.aborted) {
      m.ins.packages[name] = { status: 'not-inspected', error: `the inspection's ${budget.totalMs / 1000} s budget ran out before its turn` };
      return;
    }
    const timeout = Math.min(budget.importMs, room);
    const s0 = Date.now();
    const r = parseInspection(await inspect(host, m.run, nonce, [name], [], timeout, budget.maxBytes, signal), meta);
    const took = Date.now() - s0;
    let rep = r.packages[name];
    if (rep.status === 'not-inspected' && r.detail) rep = { status: 'crashed', error: r.detail };
    if (rep.status === 'hung')
      rep =
        timeout < budget.importMs
          ? { status: 'cut', ms: took, error: `still importing after ${took} ms when the inspection's ${budget.totalMs / 1000} s budget ran out: slow, not known to hang` }
          : { status: 'hung', ms: took, error: `did not finish within its ${budget.importMs / 1000} s import budget` };
    m.ins.packages[name] = rep;
  };

  // Identity runs (cheap: no imports) all at once. Their results are taken in candidate order, so
  // which twin names an interpreter (and which executable its imports run) never depends on which
  // process finished first; each interpreter's imports are queued as soon as its turn comes.
  const [firstImports, firstLocate] = v1 ? [['numpy'], PY_PACKAGES.filter((x) => x !== 'numpy')] : [[], PY_PACKAGES];
  const identities = groups.map((g) => inspect(host, g.path, nonce, firstImports, firstLocate, Math.min(budget.identityMs, left()), budget.maxBytes, signal));
  // The cap is needed only from the first import on: the identity runs do not wait for it (the
  // caller reads it from the cgroup files, which took ~50 ms at start-up, issue 17).
  const schedule = scheduler(await concurrency);
  const merged: Found[] = [];
  const imports: Array<Promise<void>> = [];
  for (const [gi, g] of groups.entries()) {
    const ins = parseInspection(await identities[gi], meta);
    const py = ins.python;
    // Candidates that are one interpreter (same real executable, same sys.prefix: pyenv's python3
    // and python shims) are inspected once.
    const twin = py && merged.find((m) => m.ins.python && m.ins.python.prefix === py.prefix && m.ins.python.realExecutable === py.realExecutable);
    if (twin) {
      twin.invokedAs.push(...g.invokedAs);
      continue;
    }
    const own = !v1 && py && pathApi(host).isAbsolute(py.executable) && (await host.exists(py.executable));
    const m: Found = { path: g.path, invokedAs: [...g.invokedAs], ins, run: own ? py.executable : g.path };
    merged.push(m);
    // One run per package found, the light ones first across all interpreters (rank: package order,
    // then candidate order), so a slow heavy stack never delays numpy elsewhere.
    PY_PACKAGES.forEach((name, pi) => {
      if (m.ins.packages[name].status === 'found') imports.push(schedule(pi * 1000 + gi, () => importOne(m, name)));
    });
  }
  await Promise.all(imports);

  return merged.map((m) => {
    evidence.push({
      source: `${m.path} -c <inspect>`,
      ok: m.ins.python !== null,
      detail: m.ins.python ? `Python ${m.ins.python.version}${m.ins.detail ? `; ${m.ins.detail}` : ''}` : (m.ins.detail ?? m.ins.status),
    });
    const rep: InterpreterReport = { path: m.path, invokedAs: m.invokedAs, status: m.ins.status, python: m.ins.python, packages: m.ins.packages };
    if (m.ins.detail) rep.detail = m.ins.detail;
    if (m.ins.skipped) rep.skipped = m.ins.skipped;
    return rep;
  });
}
