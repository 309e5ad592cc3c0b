/**
 * Finding the Python interpreters deploys use and inspecting each through Host.exec: a first run
 * per distinct interpreter (its identity, numpy, and which heavy frameworks are installed), then one
 * run per heavy framework found, all in parallel.
 */
import { posix, win32 } from 'node:path';
import type { Evidence } from '../../src/types.js';
import type { ExecResult, Host } from '../../src/host/host.js';
import { PY_CANDIDATES, FRAMEWORK_ENV } from './tables.js';
import { PY_INSPECT, PY_PACKAGES, type PyPackage } from './script.js';
import { parseInspection, type Inspection, type PackageReport, type PythonInfo, type RunStatus } from './parse.js';

/** Time budgets: the first run, and the whole inspection (the runner's default probe deadline is 10 s). */
export interface InspectBudget {
  firstRunMs: number;
  totalMs: number;
}

/** Default budgets; a framework that takes longer to import is reported `hung`. */
export const DEFAULT_BUDGET: InspectBudget = { firstRunMs: 4000, totalMs: 8500 };

/** What the first run imports; everything else is only located there and imported in a run of its own. */
const FIRST_RUN_IMPORTS: readonly PyPackage[] = ['numpy'];

/** Extra environment for every interpreter run: Python ≥ 3.11 then never puts the current directory on sys.path (the script also drops it). */
export const PY_ENV = { PYTHONSAFEPATH: '1' } as const;

/** The mask variables the script echoes as the interpreter sees them. */
const MASK_NAMES = Object.keys(FRAMEWORK_ENV);

/** The argv of an inspection run. */
export function inspectArgs(imports: readonly string[], locate: readonly string[]): string[] {
  return ['-c', PY_INSPECT, imports.join(','), locate.join(','), ...MASK_NAMES];
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

/** The first `dir/name` on the absolute entries of PATH that exists (empty and relative entries are skipped, as NodeHost.exec does). */
export async function whichVia(host: Host, name: string): Promise<string | undefined> {
  const p = pathApi(host);
  const pathVar = host.env('PATH');
  if (!pathVar) return undefined;
  const names = host.info().platform === 'win32' ? [`${name}.exe`] : [name];
  for (const dir of pathVar.split(p.delimiter)) {
    if (!dir || !p.isAbsolute(dir)) continue;
    for (const n of names) {
      const c = p.join(dir, n);
      if (await host.exists(c)) return c;
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

/** Runs the inspection script; bounded output, killed on timeout or when the probe is aborted. */
function inspect(host: Host, path: string, imports: readonly string[], locate: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<ExecResult> {
  return host.exec(path, inspectArgs(imports, locate), { timeoutMs, maxBytes: 1 << 20, env: { ...PY_ENV }, signal });
}

/** Finds and inspects every interpreter. Never throws for an interpreter's sake. */
export async function inspectInterpreters(
  host: Host,
  evidence: Evidence[],
  signal?: AbortSignal,
  budget: InspectBudget = DEFAULT_BUDGET,
): Promise<InterpreterReport[]> {
  const t0 = Date.now();
  const groups = await dedupe(host, await dropMacStub(host, await findCandidates(host, evidence), evidence));
  const heavy = PY_PACKAGES.filter((x) => !FIRST_RUN_IMPORTS.includes(x));
  const first = await Promise.all(
    groups.map(async (g) => {
      const r = await inspect(host, g.path, FIRST_RUN_IMPORTS, heavy, budget.firstRunMs, signal);
      return { ...g, ins: parseInspection(r) };
    }),
  );

  // Two candidates that turned out to be one interpreter (same prefix, same real executable) are reported once.
  const merged: Array<{ path: string; invokedAs: string[]; ins: Inspection }> = [];
  for (const f of first) {
    const py = f.ins.python;
    const twin = py && merged.find((m) => m.ins.python && m.ins.python.prefix === py.prefix && m.ins.python.realExecutable === py.realExecutable);
    if (twin) twin.invokedAs.push(...f.invokedAs);
    else merged.push({ ...f, invokedAs: [...f.invokedAs] });
  }

  // Each heavy framework found gets a run of its own, all at once, within what is left of the budget.
  const left = Math.max(0, budget.totalMs - (Date.now() - t0));
  await Promise.all(
    merged.flatMap((m) =>
      heavy
        .filter((name) => m.ins.packages[name].status === 'found')
        .map(async (name) => {
          if (left < 250) {
            m.ins.packages[name] = { status: 'not-inspected', error: 'no time left in the probe budget' };
            return;
          }
          const r = parseInspection(await inspect(host, m.path, [name], [], left, signal));
          m.ins.packages[name] = r.packages[name].status === 'not-inspected' && r.detail ? { status: 'crashed', error: r.detail } : r.packages[name];
        }),
    ),
  );

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
