/** Host: the only door to the machine for detection (DESIGN §5). */

/** How an exec ended. `not-found` (no such program) is distinct from `failed` (ran, exited non-zero or crashed). */
export type ExecStatus = 'ok' | 'failed' | 'not-found' | 'timeout' | 'error';

/** Result of running an external command. */
export interface ExecResult {
  status: ExecStatus;
  /** Exit code, when the process exited. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** True when output was cut at the byte bound. */
  truncated: boolean;
  /** Why it did not end normally: the spawn failure (status 'error'), or what the timeout killed. */
  error?: string;
  /** Something worth naming that did not change the status (a descendant that held the pipes open and was killed). */
  note?: string;
}

/** Options for Host.exec. */
export interface ExecOptions {
  /** Kill the process tree after this long. Default 5000 ms. */
  timeoutMs?: number;
  /** Cut stdout/stderr at this many bytes each. Default 4 MiB. */
  maxBytes?: number;
  /** Extra environment variables for the child (merged over the inherited env). */
  env?: Record<string, string>;
  signal?: AbortSignal;
}

/** Static facts about the host process and OS, read once. */
export interface HostInfo {
  platform: string;
  arch: string;
  /** os.release(): kernel release on Linux, Darwin version on macOS */
  release: string;
  /** os.type() */
  type: string;
  /** os.version() */
  version: string;
  endianness: 'BE' | 'LE';
  hostname: string;
  totalMemBytes: number;
  /** os.cpus().length */
  cpuCount: number;
  /** os.availableParallelism() */
  availableParallelism: number;
  /** process.versions subset: node, v8, openssl, uv, modules, napi */
  versions: Record<string, string>;
}

/** The seam to the machine. NodeHost reads the real one, ReplayHost a capture. */
export interface Host {
  readonly kind: 'live' | 'recording' | 'replay';
  info(): HostInfo;
  /** An allowlisted environment variable, or undefined (also for names outside the allowlist). */
  env(name: string): string | undefined;
  /** A text file's content, or undefined when absent or unreadable. */
  readFile(path: string): Promise<string | undefined>;
  /** A binary file's content, or undefined when absent or unreadable. */
  readBinary(path: string): Promise<Uint8Array | undefined>;
  /** Sorted directory entry names, or undefined when absent or unreadable. */
  readDir(path: string): Promise<string[] | undefined>;
  /** A symlink's target, or undefined. */
  readLink(path: string): Promise<string | undefined>;
  /** Whether a path exists (file, dir, device node...). */
  exists(path: string): Promise<boolean>;
  /** Runs a program by name (looked up on absolute PATH entries only) or absolute path, never through a shell. */
  exec(file: string, args: string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Calls a library function whose result is plain JSON (systeminformation, FFI workers in-process).
   * Recorded and replayed under `key`; undefined in replay when the capture lacks it or on a throw.
   */
  call<T>(key: string, fn: () => Promise<T>): Promise<T | undefined>;
}
