/** The capture bundle: every read and exec of a run, replayable (schemas/capture.schema.json). */
import type { ExecResult, HostInfo } from './host.js';

/** One JSON file holding what a RecordingHost saw. `null` values mean "absent". */
export interface Capture {
  captureVersion: '1';
  tool: { name: 'hwprobe'; version: string };
  createdAt: string;
  /** Where this capture came from: free text plus the redaction state. */
  source: { description: string; redacted: boolean };
  info: HostInfo;
  env: Record<string, string>;
  files: Record<string, string | null>;
  /** base64 */
  binary: Record<string, string | null>;
  dirs: Record<string, string[] | null>;
  links: Record<string, string | null>;
  exists: Record<string, boolean>;
  /** Keyed by execKey(file, args, env). */
  exec: Record<string, ExecResult>;
  calls: Record<string, unknown>;
}

/** The key an exec is recorded under. */
export function execKey(file: string, args: string[], env?: Record<string, string>): string {
  const parts: string[] = [file, ...args];
  if (env && Object.keys(env).length) {
    const e = Object.keys(env)
      .sort()
      .map((k) => `${k}=${env[k]}`);
    return JSON.stringify({ env: e, argv: parts });
  }
  return JSON.stringify(parts);
}

/** The recorded parts of a capture: what was read, listed, run and called. */
export type Records = Pick<Capture, 'files' | 'binary' | 'dirs' | 'links' | 'exists' | 'exec' | 'calls'>;

/** Records with nothing in them yet. */
export function emptyRecords(): Records {
  return { files: {}, binary: {}, dirs: {}, links: {}, exists: {}, exec: {}, calls: {} };
}

/** A HostInfo with neutral values, for building partial captures in tests. */
export function blankInfo(over: Partial<HostInfo> = {}): HostInfo {
  return {
    platform: 'linux',
    arch: 'x64',
    release: '',
    type: 'Linux',
    version: '',
    endianness: 'LE',
    hostname: 'localhost',
    totalMemBytes: 0,
    cpuCount: 0,
    availableParallelism: 0,
    versions: { node: '20.0.0', v8: '0' },
    ...over,
  };
}

/** A complete Capture from a partial one (tests build hosts this way). */
export function makeCapture(p: Partial<Omit<Capture, 'info'>> & { info?: Partial<HostInfo> } = {}): Capture {
  return {
    captureVersion: '1',
    tool: { name: 'hwprobe', version: '0.0.0' },
    createdAt: '1970-01-01T00:00:00.000Z',
    source: { description: 'built in a test', redacted: true },
    env: {},
    ...emptyRecords(),
    ...p,
    info: blankInfo(p.info),
  };
}

/** The ExecResult of a program that ran to its end: ok on exit 0, failed otherwise (tests build replies this way). */
export function execResult(stdout: string, code = 0, stderr = ''): ExecResult {
  return { status: code === 0 ? 'ok' : 'failed', code, signal: null, stdout, stderr, truncated: false };
}
