/** RecordingHost: the real machine, with every read and exec recorded into a Capture. */
import type { ExecOptions, ExecResult, Host, HostInfo } from './host.js';
import { NodeHost, type NodeHostOptions } from './node-host.js';
import { emptyRecords, execKey, type Capture, type Records } from './capture.js';
import { readAllowedEnv } from './env-allowlist.js';
import { environmentSecrets, Redactor, REDACTED } from './redact.js';
import { canonicalize } from '../canonical.js';
import { VERSION } from '../version.js';

/** Options for RecordingHost. */
export interface RecordingHostOptions extends NodeHostOptions {
  /** Redact identifiers in what is recorded (default true). Probes still see the real values. */
  redact?: boolean;
  description?: string;
}

/** Wraps NodeHost and records what the probes saw. */
export class RecordingHost implements Host {
  readonly kind = 'recording' as const;
  private readonly inner: NodeHost;
  private readonly redactor: Redactor | undefined;
  private readonly rec: Records = emptyRecords();

  constructor(private readonly opts: RecordingHostOptions = {}) {
    this.inner = new NodeHost(opts);
    this.redactor = opts.redact === false ? undefined : new Redactor({ hostname: this.inner.info().hostname, secrets: environmentSecrets(opts.env ?? process.env) });
  }

  private red(s: string): string {
    return this.redactor ? this.redactor.text(s) : s;
  }

  info(): HostInfo {
    return this.inner.info();
  }

  env(name: string): string | undefined {
    return this.inner.env(name);
  }

  async readFile(path: string): Promise<string | undefined> {
    const v = await this.inner.readFile(path);
    this.rec.files[this.red(path)] = v === undefined ? null : this.redactor ? this.redactor.file(path, v) : v;
    return v;
  }

  async readBinary(path: string): Promise<Uint8Array | undefined> {
    const v = await this.inner.readBinary(path);
    this.rec.binary[this.red(path)] = v === undefined ? null : Buffer.from(v).toString('base64');
    return v;
  }

  async readDir(path: string): Promise<string[] | undefined> {
    const v = await this.inner.readDir(path);
    this.rec.dirs[this.red(path)] = v === undefined ? null : v.map((e) => this.red(e));
    return v;
  }

  async readLink(path: string): Promise<string | undefined> {
    const v = await this.inner.readLink(path);
    this.rec.links[this.red(path)] = v === undefined ? null : this.red(v);
    return v;
  }

  async exists(path: string): Promise<boolean> {
    const v = await this.inner.exists(path);
    this.rec.exists[this.red(path)] = v;
    return v;
  }

  async exec(file: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.inner.exec(file, args, opts);
    this.rec.exec[this.red(execKey(file, args, opts.env))] = { ...r, stdout: this.red(r.stdout), stderr: this.red(r.stderr) };
    return r;
  }

  async call<T>(key: string, fn: () => Promise<T>): Promise<T | undefined> {
    const v = await this.inner.call(key, fn);
    this.rec.calls[this.red(key)] = v === undefined ? null : this.redactor ? this.redactor.deep(v) : v;
    return v;
  }

  /** The capture so far. */
  capture(): Capture {
    const info = this.inner.info();
    return canonicalize({
      captureVersion: '1',
      tool: { name: 'hwprobe', version: VERSION },
      createdAt: new Date().toISOString(),
      source: { description: this.opts.description ?? 'hwprobe capture', redacted: !!this.redactor },
      info: this.redactor ? { ...info, hostname: REDACTED } : info,
      env: this.redactor ? this.redactor.deep(readAllowedEnv(this.opts.env ?? process.env)) : readAllowedEnv(this.opts.env ?? process.env),
      ...this.rec,
    }) as Capture;
  }
}
