/** NodeHost: the real machine. */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecOptions, ExecResult, Host, HostInfo } from './host.js';
import { allowedValue, envAllowlist } from './env-allowlist.js';
import { execKey } from './capture.js';
import { commandLabel, type SourceKind, type SourceLog } from './timings.js';
import { childEnv, reapCommand, reapOnExit, track } from './children.js';

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/** Options for NodeHost. */
export interface NodeHostOptions {
  /** The environment to read (through the allowlist) and to pass to children. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Records the cost of each source into this log (`--timings`). */
  timings?: SourceLog;
}

/**
 * Finds a program on the absolute entries of PATH. Empty, "." and relative entries are skipped,
 * so nothing in the current directory is run by accident (DESIGN §8).
 */
export async function whichAbsolute(file: string, pathVar: string | undefined): Promise<string | undefined> {
  if (path.isAbsolute(file)) return file;
  if (file.includes('/') || file.includes('\\')) return undefined; // relative paths are refused
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, file + ext);
      try {
        const st = await fs.stat(candidate);
        // An executable regular file: any x bit (Windows has none to check).
        if (st.isFile() && (process.platform === 'win32' || (st.mode & 0o111) !== 0)) return candidate;
      } catch {
        /* next */
      }
    }
  }
  return undefined;
}

/** After a program exits, how long its output pipes may stay open (a descendant holding them) before we stop reading. */
const EXIT_GRACE_MS = 250;

/**
 * Runs a resolved program without a shell, bounded in time and output, with the sanitized and
 * marked environment of children.ts and the filesystem root as its cwd (nothing it looks up
 * relative to its cwd can be planted by whoever owns ours). It ends at its own deadline whatever
 * its descendants do: on timeout, or once the program has exited and its pipes are still held
 * after a short grace, the process group and every marked descendant are killed and reading stops.
 */
export function runBounded(
  resolved: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: ExecOptions,
  /** Sees the child once it is spawned (the timing log reads its CPU time). */
  watch?: (child: ChildProcess) => void,
): Promise<ExecResult> {
  const timeoutMs = Math.min(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 2 ** 31 - 1);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const { env: childEnvVars, marker } = childEnv(env, opts.env);
  reapOnExit();
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(resolved, args, {
        shell: false,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: childEnvVars,
        cwd: process.platform === 'win32' ? undefined : '/',
        detached: process.platform !== 'win32', // own process group, so the tree can be killed
        windowsHide: true,
      });
    } catch (e) {
      resolve({ status: 'error', code: null, signal: null, stdout: '', stderr: '', truncated: false, error: String(e) });
      return;
    }
    const untrack = child.pid !== undefined ? track(child.pid) : () => {};
    watch?.(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let truncated = false;
    let timedOut = false;
    let aborted = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let note: string | undefined;
    let done = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const killTree = () => reapCommand(child.pid, marker, exited !== undefined);
    const take = (chunks: Buffer[], len: number, b: Buffer): number => {
      const room = maxBytes - len;
      if (room <= 0) {
        truncated = true;
        return len;
      }
      if (b.length > room) {
        chunks.push(b.subarray(0, room));
        truncated = true;
        return maxBytes;
      }
      chunks.push(b);
      return len + b.length;
    };
    child.stdout!.on('data', (b: Buffer) => {
      outLen = take(out, outLen, b);
      if (truncated) killTree();
    });
    child.stderr!.on('data', (b: Buffer) => {
      errLen = take(err, errLen, b);
    });
    /** Stops reading now: kills what is left, destroys the pipes, resolves with what was read. */
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      killTree(); // a no-op for a tree that is gone; kills a descendant that held the pipes
      untrack();
      child.stdout?.destroy();
      child.stderr?.destroy();
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const base = { code, signal: signal ?? null, stdout, stderr, truncated, ...(note ? { note } : {}) };
      if (spawnError) {
        const notFound = spawnError.code === 'ENOENT';
        resolve({ ...base, code: null, status: notFound ? 'not-found' : 'error', error: spawnError.message });
      } else if (timedOut) resolve({ ...base, status: 'timeout', error: aborted ? 'aborted' : `no exit within ${timeoutMs} ms: killed` });
      else if (code === 0) resolve({ ...base, status: 'ok' });
      else resolve({ ...base, status: 'failed' });
    };
    const stopAfterGrace = () => {
      clearTimeout(graceTimer);
      graceTimer = setTimeout(() => {
        if (exited && !timedOut) note = `a descendant kept its output open after it exited: killed after ${EXIT_GRACE_MS} ms`;
        finish(exited?.code ?? null, exited?.signal ?? null);
      }, EXIT_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
      stopAfterGrace(); // a descendant outside our reach may still hold the pipes: stop reading anyway
    }, timeoutMs);
    const onAbort = () => {
      timedOut = true;
      aborted = true;
      killTree();
      stopAfterGrace();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
      if (child.pid === undefined) finish(null, null);
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      stopAfterGrace();
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/**
 * The real machine, seen through the env allowlist. One NodeHost serves one run: a command asked
 * twice (the same argv and env) is started once and both callers get its result, and a program
 * name is looked up on PATH once.
 */
export class NodeHost implements Host {
  readonly kind: 'live' | 'recording' = 'live';
  private readonly rawEnv: NodeJS.ProcessEnv;
  private cachedInfo: HostInfo | undefined;
  private readonly log: SourceLog | undefined;
  private readonly execs = new Map<string, Promise<ExecResult>>();
  /** PATH lookups of this run: a program is looked for once (a missing one costs a stat per PATH entry). */
  private readonly found = new Map<string, Promise<string | undefined>>();

  constructor(opts: NodeHostOptions = {}) {
    this.rawEnv = opts.env ?? process.env;
    this.log = opts.timings;
  }

  private timed<T>(kind: SourceKind, source: string, fn: () => Promise<T>): Promise<T> {
    return this.log ? this.log.time(kind, source, fn) : fn();
  }

  info(): HostInfo {
    if (this.cachedInfo) return this.cachedInfo;
    const v = process.versions;
    const versions: Record<string, string> = {};
    for (const k of ['node', 'v8', 'openssl', 'uv', 'modules', 'napi', 'zlib'] as const) {
      if (v[k]) versions[k] = v[k]!;
    }
    this.cachedInfo = {
      platform: process.platform,
      arch: process.arch,
      release: os.release(),
      type: os.type(),
      version: os.version(),
      endianness: os.endianness(),
      hostname: os.hostname(),
      totalMemBytes: os.totalmem(),
      cpuCount: os.cpus().length,
      availableParallelism: os.availableParallelism(),
      versions,
    };
    return this.cachedInfo;
  }

  env(name: string): string | undefined {
    const mode = envAllowlist().get(name);
    if (!mode) return undefined;
    const v = this.rawEnv[name];
    if (v === undefined) return undefined;
    return mode === 'presence' ? '<set>' : allowedValue(v);
  }

  readFile(p: string): Promise<string | undefined> {
    return this.timed('read', p, async () => {
      try {
        return await fs.readFile(p, 'utf8');
      } catch {
        return undefined;
      }
    });
  }

  readBinary(p: string): Promise<Uint8Array | undefined> {
    return this.timed('binary', p, async () => {
      try {
        return new Uint8Array(await fs.readFile(p));
      } catch {
        return undefined;
      }
    });
  }

  readDir(p: string): Promise<string[] | undefined> {
    return this.timed('dir', p, async () => {
      try {
        return (await fs.readdir(p)).sort();
      } catch {
        return undefined;
      }
    });
  }

  readLink(p: string): Promise<string | undefined> {
    return this.timed('link', p, async () => {
      try {
        return await fs.readlink(p);
      } catch {
        return undefined;
      }
    });
  }

  exists(p: string): Promise<boolean> {
    return this.timed('exists', p, async () => {
      try {
        await fs.lstat(p);
        return true;
      } catch {
        return false;
      }
    });
  }

  exec(file: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const key = execKey(file, args, opts.env);
    const asked = this.execs.get(key);
    if (asked) return this.log ? this.log.time('exec', commandLabel(file, args), () => asked, undefined, true) : asked;
    let cpu: (() => number | null) | undefined;
    const run = async (): Promise<ExecResult> => {
      if (!this.found.has(file)) this.found.set(file, whichAbsolute(file, this.rawEnv.PATH));
      const resolved = await this.found.get(file);
      if (!resolved) return { status: 'not-found', code: null, signal: null, stdout: '', stderr: '', truncated: false };
      return runBounded(resolved, args, this.rawEnv, opts, this.log && ((c) => (cpu = this.log!.watch(c))));
    };
    const p = this.log ? this.log.time('exec', commandLabel(file, args), run, () => cpu) : run();
    this.execs.set(key, p);
    // A run cut short by its caller's abort is not an answer for the next caller.
    void p.then((r) => r.status === 'timeout' && opts.signal?.aborted && this.execs.delete(key));
    return p;
  }

  call<T>(key: string, fn: () => Promise<T>): Promise<T | undefined> {
    return this.timed('call', key, async () => {
      try {
        return await fn();
      } catch {
        return undefined;
      }
    });
  }
}
