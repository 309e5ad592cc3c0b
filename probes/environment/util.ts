/** Small helpers shared by the environment probe's modules. */
import type { Evidence } from '../../src/types.js';
import type { ExecResult, Host } from '../../src/host/host.js';

/** Exec timeout for the quick helper programs this probe runs (systemd-detect-virt, getconf, sysctl). */
export const EXEC_TIMEOUT_MS = 1500;

/** Collects the evidence one part of the probe gathered. */
export class Trail {
  readonly evidence: Evidence[] = [];

  /** Records one source and whether it answered. */
  add(source: string, ok: boolean, detail?: string): void {
    this.evidence.push(detail === undefined ? { source, ok } : { source, ok, detail });
  }

  /** Reads a file through the host, recording whether it was there. */
  async file(host: Host, path: string): Promise<string | undefined> {
    const t = await host.readFile(path);
    this.add(path, t !== undefined, t === undefined ? 'absent or unreadable' : undefined);
    return t;
  }

  /** Runs a helper program through the host, recording how it ended. */
  async exec(host: Host, file: string, args: string[], signal?: AbortSignal): Promise<ExecResult> {
    const r = await host.exec(file, args, { timeoutMs: EXEC_TIMEOUT_MS, maxBytes: 64 * 1024, signal });
    const source = [file, ...args].join(' ');
    const out = firstLine(r.stdout)?.slice(0, 200);
    const detail =
      r.status === 'ok' ? out : r.status === 'failed' ? `exit ${r.code ?? r.signal}${out ? `: ${out}` : ''}` : r.status;
    // A program that ran and exited non-zero still answered (systemd-detect-virt exits 1 for "none");
    // one killed by a signal did not.
    const killed = r.status === 'failed' && r.code === null;
    this.add(source, r.status === 'ok' || (r.status === 'failed' && !killed), killed ? `killed by ${r.signal ?? 'a signal'}` : detail);
    return r;
  }
}

/** Sorted, de-duplicated copy of a list of strings. */
export function sortedUnique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}

/** Trimmed first line of a program's stdout, or undefined when empty. */
export function firstLine(s: string | undefined): string | undefined {
  const l = (s ?? '').split('\n')[0].trim();
  return l || undefined;
}

/**
 * A Host that answers repeated reads of the same path from one promise, so the probe's
 * independent parts can each read /proc/cpuinfo or /proc/self/cgroup without paying twice.
 */
export function memoHost(host: Host): Host {
  const files = new Map<string, Promise<string | undefined>>();
  const exists = new Map<string, Promise<boolean>>();
  return {
    kind: host.kind,
    info: () => host.info(),
    env: (n) => host.env(n),
    readFile(path) {
      let p = files.get(path);
      if (!p) files.set(path, (p = host.readFile(path)));
      return p;
    },
    readBinary: (p) => host.readBinary(p),
    readDir: (p) => host.readDir(p),
    readLink: (p) => host.readLink(p),
    exists(path) {
      let p = exists.get(path);
      if (!p) exists.set(path, (p = host.exists(path)));
      return p;
    },
    exec: (f, a, o) => host.exec(f, a, o),
    call: (k, fn) => host.call(k, fn),
  };
}
