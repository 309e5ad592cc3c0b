/** ReplayHost: serves a capture and never touches the machine. */
import type { ExecOptions, ExecResult, Host, HostInfo } from './host.js';
import { execKey, type Capture } from './capture.js';
import { envAllowlist } from './env-allowlist.js';

/** A Host that answers every question from a Capture. */
export class ReplayHost implements Host {
  readonly kind = 'replay' as const;
  constructor(readonly capture: Capture) {}

  info(): HostInfo {
    return this.capture.info;
  }

  env(name: string): string | undefined {
    // The allowlist still applies: a hand-edited capture cannot smuggle other names in.
    return envAllowlist().has(name) ? this.capture.env[name] : undefined;
  }

  async readFile(path: string): Promise<string | undefined> {
    return this.capture.files[path] ?? undefined;
  }

  async readBinary(path: string): Promise<Uint8Array | undefined> {
    const b = this.capture.binary[path];
    return b == null ? undefined : new Uint8Array(Buffer.from(b, 'base64'));
  }

  async readDir(path: string): Promise<string[] | undefined> {
    return this.capture.dirs[path] ?? undefined;
  }

  async readLink(path: string): Promise<string | undefined> {
    return this.capture.links[path] ?? undefined;
  }

  async exists(path: string): Promise<boolean> {
    const c = this.capture;
    if (path in c.exists) return c.exists[path];
    return c.files[path] != null || c.dirs[path] != null || c.binary[path] != null || c.links[path] != null;
  }

  async exec(file: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const r = this.capture.exec[execKey(file, args, opts.env)];
    if (r) return r;
    return { status: 'not-found', code: null, signal: null, stdout: '', stderr: 'not in capture', truncated: false };
  }

  async call<T>(key: string): Promise<T | undefined> {
    const v = this.capture.calls[key];
    return v == null ? undefined : (v as T);
  }
}
